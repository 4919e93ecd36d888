// The catalogue is every *_registration.cpp in algorithms/, linked in although nothing names
// them (a static archive drops objects nobody references), checked and in a fixed order.
#include "algorithms/registry.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <stdexcept>

namespace clocksim::algorithms {
namespace {

TEST(Registry, EveryRegistrationFileIsLinkedIn) {
  std::size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(std::string(CLOCKSIM_SOURCE_DIR) + "/algorithms")) {
    const std::string name = e.path().filename().string();
    if (name.size() > 17 && name.ends_with("_registration.cpp")) ++files;
  }
  EXPECT_GE(files, 12u);
  EXPECT_EQ(registrations().size(), files) << "a registration file is not in the generated list: reconfigure";
  for (const char* kind : {"none", "berkeley", "cristian", "ntp", "welch_lynch", "logical", "phold", "neighbour_average"}) {
    EXPECT_NE(find_registration(kind, Layer::kSync), nullptr) << kind;
  }
  for (const char* kind : {"tsp", "bully", "ring", "standby"}) {
    EXPECT_NE(find_registration(kind, Layer::kElection), nullptr) << kind;
  }
}

TEST(Registry, SyncFirstThenElectionEachByKind) {
  const auto& list = registrations();
  for (std::size_t i = 1; i < list.size(); ++i) {
    const auto& a = list[i - 1].info;
    const auto& b = list[i].info;
    EXPECT_TRUE(a.layer < b.layer || (a.layer == b.layer && a.kind < b.kind)) << a.kind << " before " << b.kind;
  }
  ASSERT_EQ(catalogue().size(), list.size());
  for (std::size_t i = 0; i < list.size(); ++i) EXPECT_EQ(catalogue()[i].kind, list[i].info.kind);
}

TEST(Registry, EachLayerHasItsFactoriesAndEverySyncKindSaysWhetherItHasABound) {
  for (const auto& r : registrations()) {
    if (r.info.layer == Layer::kSync) {
      EXPECT_TRUE(r.make_alone || r.make_led) << r.info.kind;
      EXPECT_FALSE(r.make_election) << r.info.kind;
    } else {
      EXPECT_TRUE(r.make_election) << r.info.kind;
      EXPECT_FALSE(r.make_alone) << r.info.kind;
      EXPECT_TRUE(r.bound.has_hook()) << r.info.kind << ": an election declares nothing about bounds";
    }
  }
  // No "standalone" mode: a sync kind that needs a leader is led, by the static election when
  // no other is named.
  for (const char* led : {"berkeley", "cristian", "ntp"}) {
    EXPECT_FALSE(find_registration(led, Layer::kSync)->make_alone) << led;
    EXPECT_TRUE(find_registration(led, Layer::kSync)->make_led) << led;
  }
  EXPECT_TRUE(find_registration("static", Layer::kElection));
  EXPECT_FALSE(find_registration("ntp", Layer::kSync)->bound.has_hook());
  EXPECT_TRUE(find_registration("berkeley", Layer::kSync)->bound.has_hook());
}

TEST(Registry, EveryRegisteredKindBuildsAloneAndUnderEveryElection) {
  auto members = std::make_shared<std::vector<NodeId>>(std::vector<NodeId>{0, 1, 2});
  for (const auto& sync : registrations()) {
    if (sync.info.layer != Layer::kSync) continue;
    StackSetup s;
    s.membership = Membership{0, members};
    s.sync = {sync.info.kind, ParamSet::defaults(sync.info.params)};
    EXPECT_NE(make_stack(s), nullptr) << sync.info.kind;
    for (const auto& e : registrations()) {
      if (e.info.layer != Layer::kElection) continue;
      s.election = {e.info.kind, ParamSet::defaults(e.info.params)};
      if (sync.make_led) {
        EXPECT_NE(make_stack(s), nullptr) << sync.info.kind << " under " << e.info.kind;
      } else {
        EXPECT_THROW(make_stack(s), std::invalid_argument) << sync.info.kind << " under " << e.info.kind;
      }
    }
  }
  StackSetup unknown;
  unknown.membership = Membership{0, members};
  unknown.sync.kind = "no_such_kind";
  EXPECT_THROW(make_stack(unknown), std::invalid_argument);
}

AlgorithmRegistration fake(std::string kind, Layer layer) {
  AlgorithmRegistration r;
  r.info = {std::move(kind), layer, "", {}};
  if (layer == Layer::kSync) {
    r.make_alone = [](const StackSetup&) -> std::unique_ptr<Algorithm> { return nullptr; };
  } else {
    r.make_election = [](const election::ElectionSetup&) -> std::unique_ptr<ElectionLayer> { return nullptr; };
  }
  return r;
}

TEST(Registry, AKindRegisteredTwiceOrWithoutItsFactoryIsRefused) {
  EXPECT_NO_THROW(sorted_and_checked({fake("b", Layer::kSync), fake("a", Layer::kSync), fake("a", Layer::kElection)}));
  const auto sorted = sorted_and_checked({fake("z", Layer::kElection), fake("b", Layer::kSync), fake("a", Layer::kSync)});
  EXPECT_EQ(sorted[0].info.kind, "a");
  EXPECT_EQ(sorted[2].info.kind, "z");
  EXPECT_THROW(sorted_and_checked({fake("a", Layer::kSync), fake("b", Layer::kSync), fake("a", Layer::kSync)}),
               std::logic_error);
  auto no_factory = fake("c", Layer::kSync);
  no_factory.make_alone = nullptr;
  EXPECT_THROW(sorted_and_checked({no_factory}), std::logic_error);
  auto election_without = fake("d", Layer::kElection);
  election_without.make_election = nullptr;
  EXPECT_THROW(sorted_and_checked({election_without}), std::logic_error);
  EXPECT_THROW(sorted_and_checked({fake("", Layer::kSync)}), std::logic_error);
}

}  // namespace
}  // namespace clocksim::algorithms
