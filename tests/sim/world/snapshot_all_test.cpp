// TickView::snapshot_all keeps a node's role and believed master from its last call unless the
// node handled something, started or crashed since, or a fault struck; role_changes lists only
// those nodes; up_offsets sums the clocks counted in the skew. These tests hold both to node(i) for every node at every instant an observer can
// look: ticks, probes, notes, clock corrections, sends and deliveries, across every shipped
// scenario (elections, failovers, restarts, partitions, Byzantine clocks, the daemon host). The
// looks alternate between the two calls, as a run's ticks do when a trace is written only
// every few ticks: each call must leave the other right.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sim/scenario/loader.hpp"
#include "sim/world/world.hpp"
#include "tests/sim/scenario/shipped_scenarios.hpp"

namespace clocksim::sim {
namespace {

class SnapshotCompare final : public Observer {
 public:
  explicit SnapshotCompare(const TickView& view) : view_(view) {}

  void on_tick(const TickView&) override { compare("tick"); }
  void on_event(Time, NodeId, const Note&) override { compare("note"); }
  void on_probe(const TickView&) override { compare("probe"); }
  void on_clock_adjust(Time, NodeId, Duration, AdjustMode, CorrectionSource) override { compare("clock adjust"); }
  void on_message_sent(Time, NodeId, NodeId, const Message&) override { compare("send"); }
  void on_message_delivered(Time, NodeId, NodeId, const Message&) override { compare("delivery"); }

  std::uint64_t comparisons = 0;
  std::uint64_t mismatches = 0;
  std::string first_mismatch;

 private:
  void compare(const char* where) {
    ++comparisons;
    compare_up_offsets(where);
    if (comparisons % 3 != 0) {
      compare_role_changes(where);
      return;
    }
    const std::vector<NodeSnapshot>& all = view_.snapshot_all();
    if (all.size() != view_.node_count()) {
      note(where, "size");
      return;
    }
    roles_.resize(all.size());
    for (NodeId i = 0; i < all.size(); ++i) {
      const NodeSnapshot one = view_.node(i);
      const NodeSnapshot& s = all[i];
      if (s.id != one.id || s.local_ns != one.local_ns || s.offset_ns != one.offset_ns || s.role != one.role ||
          s.believed_master != one.believed_master || s.up != one.up || s.faulty != one.faulty) {
        note(where, "node " + std::to_string(i));
      }
      roles_[i] = NodeRole{s.id, s.role, s.believed_master, s.up, s.faulty};
    }
  }
  // The aggregate of the clocks counted in the skew, against node(i) one by one.
  void compare_up_offsets(const char* where) {
    UpOffsets want;
    for (NodeId i = 0; i < view_.node_count(); ++i) {
      const NodeSnapshot one = view_.node(i);
      if (one.up && !one.faulty) want.add(one.offset_ns);
    }
    const UpOffsets got = view_.up_offsets();
    if (got.count != want.count || (want.count > 0 && (got.lo_ns != want.lo_ns || got.hi_ns != want.hi_ns)) ||
        got.abs_sum_ns != want.abs_sum_ns) {
      note(where, "up_offsets");
    }
  }
  // The roles kept from every call's changes (and from snapshot_all's full lists) against node(i).
  void compare_role_changes(const char* where) {
    view_.role_changes(changes_);
    if (roles_.empty()) roles_.resize(view_.node_count());
    for (std::size_t k = 0; k < changes_.size(); ++k) {
      if (k > 0 && changes_[k].id <= changes_[k - 1].id) note(where, "changes out of id order");
      if (changes_[k].id >= roles_.size()) {
        note(where, "change of no node");
        return;
      }
      roles_[changes_[k].id] = changes_[k];
    }
    for (NodeId i = 0; i < roles_.size(); ++i) {
      const NodeSnapshot one = view_.node(i);
      const NodeRole& r = roles_[i];
      if (r.id != i || r.role != one.role || r.believed_master != one.believed_master || r.up != one.up ||
          r.faulty != one.faulty) {
        note(where, "role of node " + std::to_string(i));
      }
    }
  }
  void note(const char* where, const std::string& what) {
    if (mismatches++ == 0) first_mismatch = std::string(where) + " at t=" + std::to_string(view_.now().ns()) + ": " + what;
  }

  const TickView& view_;
  std::vector<NodeRole> changes_;
  std::vector<NodeRole> roles_;
};

// Runs `file` (with `overrides`) and compares at every look; returns the comparisons made.
std::uint64_t check_scenario(const std::string& file, std::vector<std::string> overrides) {
  scenario::LoadOptions opt;
  opt.set_overrides = std::move(overrides);
  const auto spec = scenario::load_scenario_file(file, opt);
  World world(spec);
  SnapshotCompare compare(world);
  world.add_observer(&compare);
  world.run_until(world.end());
  EXPECT_EQ(compare.mismatches, 0u) << file << ": first at " << compare.first_mismatch;
  return compare.comparisons;
}

TEST(SnapshotAll, MatchesNodeByNodeInEveryShippedScenario) {
  const auto files = clocksim::testing::shipped_scenarios();
  ASSERT_GE(files.size(), 20u);
  for (const std::string& file : files) {
    EXPECT_GT(check_scenario(file, {}), 0u) << file;
  }
}

// The daemon host runs algorithms inside node loops, with their own timers and datagrams.
TEST(SnapshotAll, MatchesNodeByNodeUnderTheDaemonHost) {
  for (const char* name : {"failover.yaml", "graceful-handover.yaml", "bully-failover.yaml", "partition-heal.yaml"}) {
    EXPECT_GT(check_scenario(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/" + name, {"host=daemon"}), 0u) << name;
  }
}

// A view that does not keep snapshots of its own gets one that asks node() for each.
TEST(SnapshotAll, TheDefaultReadsEveryNode) {
  struct Fixed final : TickView {
    Time now() const override { return Time::epoch(); }
    NodeId node_count() const override { return 3; }
    NodeSnapshot node(NodeId id) const override {
      NodeSnapshot s{};
      s.id = id;
      s.offset_ns = 10 * static_cast<std::int64_t>(id);
      s.up = id != 1;
      s.role = id == 0 ? Role::kMaster : Role::kSlave;
      s.believed_master = 0;
      return s;
    }
    const std::string& node_name(NodeId) const override { return name_; }
    std::string name_ = "n";
  } view;
  const auto& all = view.snapshot_all();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].offset_ns, 20);
  EXPECT_FALSE(all[1].up);
  EXPECT_EQ(all[0].role, Role::kMaster);
}

}  // namespace
}  // namespace clocksim::sim
