// Faults whose intervals overlap: each holds for its own interval, so the end of one never
// undoes another that is still in force.
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "sim/world/world.hpp"
#include "tests/sim/world/test_scenarios.hpp"

namespace clocksim::sim {
namespace {

using namespace clocksim::literals;

scenario::FaultSpec fault(scenario::FaultSpec::Kind kind, Duration at, std::optional<Duration> until) {
  scenario::FaultSpec f;
  f.kind = kind;
  f.at = at;
  f.until = until;
  return f;
}

struct Watch final : Observer {
  explicit Watch(const World& w) : world(w) {}
  void on_tick(const TickView& v) override {
    n1_up.emplace_back(v.now().ns() / 1'000'000'000, v.node(1).up);
    n2_up.emplace_back(v.now().ns() / 1'000'000'000, v.node(2).up);
    link_up.emplace_back(v.now().ns() / 1'000'000'000, world.network().link_up(0, 1));
  }
  void on_event(Time t, NodeId, const Note& note) override { notes.emplace_back(t.ns() / 1'000'000'000, note.what); }
  const World& world;
  std::vector<std::pair<std::int64_t, bool>> n1_up, n2_up, link_up;
  std::vector<std::pair<std::int64_t, NoteWhat>> notes;
};

TEST(OverlappingFaults, TheEndOfACrashThatFoundTheNodeDownDoesNotRestartIt) {
  using K = scenario::FaultSpec::Kind;
  auto spec = testing::drift_only(3, 60_s, 1_s);
  auto forever = fault(K::kCrash, 10_s, std::nullopt);
  forever.node = 1;
  auto brief = fault(K::kCrash, 20_s, 30_s);
  brief.node = 1;
  // Down 40-55 s, and 45-50 s by a second fault inside the first.
  auto outer = fault(K::kCrash, 40_s, 55_s);
  outer.node = 2;
  auto inner = fault(K::kCrash, 45_s, 50_s);
  inner.node = 2;
  spec.faults = {forever, brief, outer, inner};
  World world(spec);
  Watch watch(world);
  world.add_observer(&watch);
  world.run_until(world.end());
  for (const auto& [t, up] : watch.n1_up) EXPECT_EQ(up, t < 10) << "n1 at " << t << " s";
  for (const auto& [t, up] : watch.n2_up) EXPECT_EQ(up, t < 40 || t >= 55) << "n2 at " << t << " s";
}

TEST(OverlappingFaults, ALinkStaysDownWhileAnyLinkDownHoldsIt) {
  using K = scenario::FaultSpec::Kind;
  auto spec = testing::drift_only(3, 60_s, 1_s);
  auto outer = fault(K::kLinkDown, 10_s, 50_s);
  outer.a = 0;
  outer.b = 1;
  auto inner = fault(K::kLinkDown, 20_s, 30_s);
  inner.a = 1;  // the same link named the other way round
  inner.b = 0;
  spec.faults = {outer, inner};
  World world(spec);
  Watch watch(world);
  world.add_observer(&watch);
  world.run_until(world.end());
  for (const auto& [t, up] : watch.link_up) EXPECT_EQ(up, t < 10 || t >= 50) << "link at " << t << " s";
}

TEST(OverlappingFaults, APartitionStaysInForceUntilItsOwnEnd) {
  using K = scenario::FaultSpec::Kind;
  auto spec = testing::drift_only(3, 100_s, 1_s);
  auto first = fault(K::kPartition, 30_s, 60_s);
  first.groups = {{0}, {1, 2}};
  auto second = fault(K::kPartition, 40_s, 90_s);
  second.groups = {{1}, {0, 2}};
  spec.faults = {first, second};
  World world(spec);
  Watch watch(world);
  world.add_observer(&watch);
  world.run_until(world.end());
  const std::vector<std::pair<std::int64_t, NoteWhat>> expected{
      {30, NoteWhat::kPartitioned}, {40, NoteWhat::kPartitioned}, {90, NoteWhat::kHealed}};
  EXPECT_EQ(watch.notes, expected);
}

// The later partition ends first: the earlier one, still in force, is back.
TEST(OverlappingFaults, AnEarlierPartitionStillInForceReturnsWhenALaterOneEnds) {
  using K = scenario::FaultSpec::Kind;
  auto spec = testing::drift_only(3, 100_s, 1_s);
  auto outer = fault(K::kPartition, 30_s, 90_s);
  outer.groups = {{0}, {1, 2}};
  auto inner = fault(K::kPartition, 40_s, 60_s);
  inner.groups = {{1}, {0, 2}};
  spec.faults = {outer, inner};
  World world(spec);
  Watch watch(world);
  world.add_observer(&watch);
  world.run_until(world.end());
  const std::vector<std::pair<std::int64_t, NoteWhat>> expected{
      {30, NoteWhat::kPartitioned}, {40, NoteWhat::kPartitioned}, {60, NoteWhat::kPartitioned}, {90, NoteWhat::kHealed}};
  EXPECT_EQ(watch.notes, expected);
}

}  // namespace
}  // namespace clocksim::sim
