#include "sim/world/world.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "sim/output/tick_stats.hpp"
#include "sim/scenario/loader.hpp"
#include "node/loop/node_loop.hpp"
#include "sim/world/node_params.hpp"
#include "tests/sim/world/test_scenarios.hpp"

namespace clocksim::sim {
namespace {

using namespace clocksim::literals;

// Checks every node at every tick against the closed form offset0 + drift·t.
class DriftChecker final : public Observer {
 public:
  explicit DriftChecker(const scenario::ScenarioSpec& spec) {
    for (NodeId i = 0; i < spec.nodes.size(); ++i) params_.push_back(draw_clock_params(spec, i));
  }
  void on_tick(const TickView& view) override {
    ++ticks;
    snaps_ = view.snapshot_all();
    const TickStats s = compute_tick_stats(view.now(), up_offsets_of(snaps_), true, std::nullopt, RoleTally(view.node_count()));
    std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
    for (NodeId i = 0; i < view.node_count(); ++i) {
      const double t = static_cast<double>(view.now().ns());
      const double expected = static_cast<double>(params_[i].initial_offset.ns()) + params_[i].drift_ppm * 1e-6 * t;
      const std::int64_t offset = snaps_[i].offset_ns;
      worst_error_ns = std::max(worst_error_ns, std::fabs(static_cast<double>(offset) - expected));
      lo = std::min(lo, offset);
      hi = std::max(hi, offset);
    }
    if (s.max_skew_ns != hi - lo) ++skew_mismatches;
  }
  void on_event(Time, NodeId, const Note&) override { ++events; }

  std::vector<ClockParams> params_;
  std::vector<NodeSnapshot> snaps_;
  double worst_error_ns = 0;
  int ticks = 0;
  int skew_mismatches = 0;
  int events = 0;
};

TEST(World, ConstantDriftMatchesClosedFormForAThousandNodesOverAnHour) {
  const auto spec = testing::drift_only(1000, 1_h, 10_s);
  World world(spec);
  DriftChecker checker(spec);
  world.add_observer(&checker);
  world.run_until(world.end());
  EXPECT_EQ(checker.ticks, 361);  // t = 0, 10 s, ..., 3600 s
  EXPECT_LE(checker.worst_error_ns, 1.0);
  EXPECT_EQ(checker.skew_mismatches, 0);
  EXPECT_EQ(checker.events, 0);
  // Drawn parameters really spread over their ranges.
  double lo = 1e9, hi = -1e9;
  for (const auto& p : checker.params_) {
    lo = std::min(lo, p.drift_ppm);
    hi = std::max(hi, p.drift_ppm);
  }
  EXPECT_LT(lo, -95);
  EXPECT_GT(hi, 95);
}

TEST(World, AddingANodeDoesNotChangeTheOthersClocks) {
  const auto small = testing::drift_only(10, 1_s, 1_s);
  const auto large = testing::drift_only(11, 1_s, 1_s);
  for (NodeId i = 0; i < 10; ++i) {
    EXPECT_EQ(draw_clock_params(small, i).initial_offset, draw_clock_params(large, i).initial_offset);
    EXPECT_EQ(draw_clock_params(small, i).drift_ppm, draw_clock_params(large, i).drift_ppm);
  }
}

TEST(World, SeedChangesTheDraws) {
  const auto a = testing::drift_only(4, 1_s, 1_s, 1);
  const auto b = testing::drift_only(4, 1_s, 1_s, 2);
  EXPECT_NE(draw_clock_params(a, 0).drift_ppm, draw_clock_params(b, 0).drift_ppm);
}

TEST(World, StartsComeInIdOrderBeforeTheFirstTickAndCountOneEventEach) {
  struct Watch final : Observer {
    std::vector<std::string> seen;
    void on_node_started(Time t, NodeId id) override { seen.push_back(std::to_string(t.ns()) + ":n" + std::to_string(id)); }
    void on_tick(const TickView& v) override { seen.push_back(std::to_string(v.now().ns()) + ":tick"); }
    void on_event(Time, NodeId, const Note&) override {}
  } watch;
  const auto spec = testing::drift_only(4, 2_s, 1_s);
  World world(spec);
  world.add_observer(&watch);
  world.run_until(Time::epoch());
  EXPECT_EQ(watch.seen, (std::vector<std::string>{"0:n0", "0:n1", "0:n2", "0:n3", "0:tick"}));
  EXPECT_EQ(world.stats().events_processed, 5u);  // four starts and a tick
  for (NodeId i = 0; i < 4; ++i) EXPECT_TRUE(world.node(i).up);
  EXPECT_EQ(world.node(2).role, Role::kNone);
}

// A probe asked for at the current instant comes after the events of that instant scheduled
// before it and before those scheduled after it. Over zero-latency links a whole Cristian series
// happens at t = 0, each delivery scheduling the next; a probe asked for at each delivery must
// fire between it and the next, not after the whole chain.
TEST(World, ProbeAtTheCurrentInstantComesBeforeEventsScheduledAfterIt) {
  const auto spec = scenario::load_scenario_text(R"yaml(
name: probe-order
seed: 3
duration: 1500ms
tick: 500ms
nodes: 2
topology: full_mesh
links: {latency: 0}
algorithm:
  sync: {kind: cristian, period: 1s, probes: 3}
  election: {kind: static, leader: 0}
)yaml",
                                                 "probe-order.yaml");
  World world(spec);
  struct Watch final : Observer {
    World* world = nullptr;
    std::string seen;
    void on_tick(const TickView& v) override {
      if (v.now() == Time::epoch()) seen += 'T';
    }
    void on_event(Time, NodeId, const Note&) override {}
    void on_message_delivered(Time t, NodeId, NodeId, const Message&) override {
      seen += t == Time::epoch() ? 'd' : 'D';
      world->schedule_probe(t);
    }
    void on_probe(const TickView& v) override { seen += v.now() == Time::epoch() ? 'p' : 'P'; }
  } watch;
  watch.world = &world;
  world.add_observer(&watch);
  world.run_until(world.end());
  // At 0: the tick, then three requests and three replies, each followed by its probe; about
  // 1 s later the next series.
  EXPECT_EQ(watch.seen, "TdpdpdpdpdpdpDPDPDPDPDPDP");
}

TEST(World, CrashAndRestartAreReportedAndNodeIsDownMeanwhile) {
  auto spec = testing::drift_only(3, 10_s, 1_s);
  scenario::FaultSpec crash;
  crash.kind = scenario::FaultSpec::Kind::kCrash;
  crash.at = 2_s;
  crash.until = 5_s;
  crash.node = 1;
  spec.faults.push_back(crash);

  struct Watch final : Observer {
    std::vector<std::pair<std::int64_t, bool>> n1_up;
    struct Seen {
      std::int64_t t_ns;
      NodeId node;
      Note note;
    };
    std::vector<Seen> events;
    void on_tick(const TickView& v) override { n1_up.emplace_back(v.now().ns(), v.node(1).up); }
    void on_event(Time t, NodeId n, const Note& note) override { events.push_back({t.ns(), n, note}); }
  } watch;
  World world(spec);
  world.add_observer(&watch);
  world.run_until(world.end());
  ASSERT_EQ(watch.events.size(), 2u);
  EXPECT_EQ(watch.events[0].t_ns, 2'000'000'000);
  EXPECT_EQ(watch.events[0].node, 1u);
  EXPECT_EQ(watch.events[0].note.what, NoteWhat::kCrashed);
  EXPECT_EQ(watch.events[0].note.why, NoteWhy::kNone);  // n1 was not master
  EXPECT_EQ(watch.events[1].t_ns, 5'000'000'000);
  EXPECT_EQ(watch.events[1].node, 1u);
  EXPECT_EQ(watch.events[1].note.what, NoteWhat::kRestarted);
  for (const auto& [t, up] : watch.n1_up) {
    // The fault at 2 s is queued before the tick at 2 s (faults are pushed at start, ticks one at
    // a time), so the tick at 2 s already sees the node down.
    const bool expected_up = t < 2'000'000'000 || t >= 5'000'000'000;
    EXPECT_EQ(up, expected_up) << t;
  }
}

// stop: the algorithm's on_shutdown runs first (a TSP master broadcasts LEAVE, which is
// delivered although the node is down by then), then the node is down as after a crash.
TEST(World, StopShutsDownGracefullyBeforeTheNodeGoesDown) {
  scenario::LoadOptions opt;
  auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/graceful-handover.yaml", opt);
  struct Watch final : Observer {
    std::vector<Note> at_stop;
    std::int64_t stopped_ns = -1, new_master_ns = -1, leaves = 0;
    void on_tick(const TickView&) override {}
    void on_event(Time t, NodeId, const Note& note) override {
      const EventKind k = note.kind();
      if (t.ns() == 60'000'000'000) at_stop.push_back(note);
      if (k == EventKind::kCrash) stopped_ns = t.ns();
      if (k == EventKind::kBecameMaster && stopped_ns >= 0 && new_master_ns < 0) new_master_ns = t.ns();
    }
    void on_message_sent(Time, NodeId, NodeId, const Message& m) override { leaves += m.type == MsgType::kLeave; }
  } watch;
  World world(spec);
  world.add_observer(&watch);
  world.run_until(world.end());
  // The stop is told first, then its goodbye: a failover counts the LEAVE among its messages.
  ASSERT_EQ(watch.at_stop.size(), 2u);
  EXPECT_EQ(watch.at_stop[0].what, NoteWhat::kStopped);
  EXPECT_EQ(watch.at_stop[0].why, NoteWhy::kWasMaster);
  EXPECT_EQ(watch.at_stop[1].what, NoteWhat::kTspLeaveSent);
  EXPECT_EQ(watch.leaves, 7) << "one LEAVE broadcast to the 7 others";
  ASSERT_GE(watch.new_master_ns, 0);
  // Without the LEAVE the slaves would wait 6-15 s for their election timers.
  EXPECT_LT(watch.new_master_ns - watch.stopped_ns, 4'000'000'000);
}

// host: daemon really runs the node loop: every message the world sends is a datagram a node loop
// encoded, and every one the network delivers is decoded, authenticated and accepted by one.
TEST(World, HostDaemonCarriesEveryMessageThroughTheNodeLoop) {
  for (const char* host : {"algorithm", "daemon"}) {
    const auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/failover.yaml",
                                                   scenario::LoadOptions{{std::string("host=") + host}});
    World world(spec);
    world.run_until(world.end());
    std::uint64_t out = 0, accepted = 0, in = 0, dropped = 0, hellos_in = 0;
    int hosted = 0;
    for (NodeId i = 0; i < world.node_count(); ++i) {
      const node::Counters* c = world.node_loop_counters(i);
      if (c == nullptr) continue;
      ++hosted;
      out += c->packets_out;
      in += c->packets_in;
      accepted += c->packets_accepted;
      dropped += c->dropped_total();
      hellos_in += c->hellos_in;
    }
    if (std::string(host) == "algorithm") {
      EXPECT_EQ(hosted, 0);
      continue;
    }
    EXPECT_GT(hosted, 0);
    EXPECT_GT(world.stats().messages_sent, 100u);
    // A node that crashed took its counters with it, so the live nodes' sums are lower bounds.
    EXPECT_GT(out, 0u);
    EXPECT_LE(out, world.stats().messages_sent);
    EXPECT_LE(in, world.stats().messages_delivered);
    // Every datagram in is accounted for: delivered, a hello, or dropped (messages sent before the
    // receiver's epoch was learnt are stale: node/wire/channel.hpp).
    EXPECT_EQ(accepted + hellos_in + dropped, in);
    EXPECT_GT(accepted, in / 2);
  }
}

// The world plans every run's epoch and starts each node loop knowing its peers' (as if the hello
// exchange had completed): without a restart no datagram is a hello or stale. A restarted node's
// new epoch is learnt by hellos, as in clocksyncd.
TEST(World, HostDaemonNeedsHellosOnlyAfterARestart) {
  struct Sums {
    std::uint64_t in = 0, accepted = 0, hellos_in = 0, hellos_out = 0, stale = 0;
  };
  auto run = [](const char* file) {
    const auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/" + file,
                                                   scenario::LoadOptions{{"host=daemon"}});
    World world(spec);
    world.run_until(world.end());
    Sums s;
    for (NodeId i = 0; i < world.node_count(); ++i) {
      const node::Counters* c = world.node_loop_counters(i);
      if (c == nullptr) continue;
      s.in += c->packets_in;
      s.accepted += c->packets_accepted;
      s.hellos_in += c->hellos_in;
      s.hellos_out += c->hellos_out;
      s.stale += c->dropped[static_cast<std::size_t>(node::wire::DropReason::kStale)];
    }
    return s;
  };
  const Sums steady = run("berkeley-basic.yaml");
  EXPECT_GT(steady.in, 100u);
  EXPECT_EQ(steady.accepted, steady.in);
  EXPECT_EQ(steady.hellos_in + steady.hellos_out + steady.stale, 0u);
  // standby: n0 restarts at 120 s; its peers' next messages to it are stale and answered.
  const Sums restart = run("standby.yaml");
  EXPECT_GT(restart.stale, 0u);
  EXPECT_GT(restart.hellos_out, 0u);
}

// The exact checker's scan reads every clock in one call: it must read what the calls one by one
// read, with crashed nodes, Byzantine clocks (left out while they lie), wander and steps.
TEST(World, ReadUpClocksReadsWhatTheCallsOneByOneRead) {
  for (const char* file : {"wander-and-step.yaml", "byzantine-berkeley.yaml", "failover.yaml", "daemon-failover.yaml"}) {
    const auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/" + file);
    World world(spec);
    std::vector<TickView::ClockReading> got;
    std::size_t left_out = 0;
    for (int step = 1; step <= 97; ++step) {
      world.run_until(Time::epoch() + spec.duration * step / 97);
      world.read_up_clocks(got);
      std::size_t k = 0;
      for (NodeId i = 0; i < world.node_count(); ++i) {
        if (!world.is_up(i)) {
          ++left_out;
          continue;
        }
        ASSERT_LT(k, got.size()) << file;
        EXPECT_EQ(got[k].id, i) << file;
        EXPECT_EQ(got[k].offset_ns, world.offset_ns(i)) << file << " node " << i;
        EXPECT_EQ(got[k].rate_ppm, world.clock_rate_ppm(i)) << file << " node " << i;
        ++k;
      }
      EXPECT_EQ(k, got.size()) << file;
    }
    if (std::string(file) != "wander-and-step.yaml") {
      EXPECT_GT(left_out, 0u) << file << ": nobody crashed or lied";
    }
  }
}

// From 4,096 nodes the world prefetches two events ahead (algorithm objects, their layers, the
// sender's links): hints that must change nothing and read nothing out of range (the ASan build
// runs this). A star of 4,200 clients, each asking the server once a second over 1 ms links:
// every request sent in time is answered, and every client's replies match its requests.
TEST(World, ALargeStarAnswersEveryRequest) {
  constexpr NodeId kClients = 4'200;
  auto spec = scenario::load_scenario_text(R"yaml(
name: large-star
seed: 5
duration: 3s
tick: 1s
nodes: 4201
topology: star
links: {latency: 1ms}
clocks:
  drift_ppm: uniform(-50, 50)
algorithm:
  sync: {kind: cristian, period: 1s, probes: 1}
  election: {kind: static, leader: 0}
)yaml",
                                           "large-star.yaml");
  World world(spec);
  struct Count final : Observer {
    std::vector<int> requests = std::vector<int>(kClients + 1, 0), replies = std::vector<int>(kClients + 1, 0);
    Time last_request_at = Time::epoch();
    void on_tick(const TickView&) override {}
    void on_event(Time, NodeId, const Note&) override {}
    void on_message_delivered(Time t, NodeId from, NodeId to, const Message&) override {
      if (to == 0) {
        ++requests[from];
        last_request_at = std::max(last_request_at, t);
      } else {
        ++replies[to];
      }
    }
  } count;
  world.add_observer(&count);
  world.run_until(world.end());
  int total = 0;
  for (NodeId c = 1; c <= kClients; ++c) {
    // A request that reaches the server in the run's last millisecond is answered after its end.
    ASSERT_GE(count.requests[c], 2) << c;
    ASSERT_LE(count.requests[c] - count.replies[c], 1) << c;
    ASSERT_GE(count.requests[c] - count.replies[c], 0) << c;
    total += count.replies[c];
  }
  EXPECT_EQ(world.stats().messages_delivered, static_cast<std::uint64_t>(total) + [&] {
    std::uint64_t r = 0;
    for (NodeId c = 1; c <= kClients; ++c) r += static_cast<std::uint64_t>(count.requests[c]);
    return r;
  }());
}

}  // namespace
}  // namespace clocksim::sim

namespace clocksim::sim {
namespace {

// host: daemon: the world is a node's stable storage, its clock guard's window included (as
// clocksyncd's state file). A Berkeley master that lies by 900 s to a slave moves it by 900 s once
// within the hour, however often the slave crashes and restarts; each restart would otherwise give
// the liar another 900 s.
TEST(World, HostDaemonKeepsTheClockGuardsWindowAcrossACrash) {
  const std::string yaml = R"(
name: guard-window-across-crashes
seed: 3
duration: 2m
tick: 1s
nodes: 4
clocks: {initial_offset: 0s, drift_ppm: 0}
topology: full_mesh
links:
  latency: uniform(1ms, 3ms)
algorithm:
  sync: {kind: berkeley, period: 5s, step_threshold: 0s, quantum: 0s, resolution: 0s}
  election: {kind: static, leader: 3}
faults:
  - {at: 0s, byzantine: {node: n3, mode: two_faced, lie: 900s, told_behind: [n0]}}
  - {at: 20s, crash: n1, until: 22s}
  - {at: 40s, crash: n1, until: 42s}
  - {at: 60s, crash: n1, until: 62s}
  - {at: 80s, crash: n1, until: 82s}
)";
  const auto spec = scenario::load_scenario_text(yaml, "guard-window", scenario::LoadOptions{{"host=daemon"}});
  struct Moved final : Observer {
    void on_tick(const TickView&) override {}
    void on_event(Time, NodeId, const Note&) override {}
    void on_clock_adjust(Time, NodeId node, Duration delta, AdjustMode, CorrectionSource) override {
      if (node == 1) total_ns += delta.ns() < 0 ? -delta.ns() : delta.ns();
    }
    std::int64_t total_ns = 0;
  } moved;
  World world(spec);
  world.add_observer(&moved);
  world.run_until(world.end());
  EXPECT_GT(moved.total_ns, 800'000'000'000) << "the liar's first correction was not taken: the test proves nothing";
  EXPECT_LE(moved.total_ns, 1000'000'000'000) << "n1 moved " << moved.total_ns / 1e9 << " s in two minutes";
}

// Observers hear of every correction the daemon host's clock guard refuses or changes: the skew
// bound gives up its steady cycle on it (docs/bounds.md §7). ±10 % drift makes the master's own
// corrections exceed master_max_adjust (1 s), which the guard refuses; under host: algorithm
// nothing is guarded.
TEST(World, HostDaemonTellsObserversOfTheCorrectionsItsGuardRefuses) {
  struct Guarded final : Observer {
    void on_tick(const TickView&) override {}
    void on_event(Time, NodeId node, const Note& note) override {
      if (note.what == NoteWhat::kClockGuarded) notes.push_back({node, note.why, note.value_ns.value_or(0)});
    }
    void on_clock_guarded(Time, NodeId node) override { nodes.push_back(node); }
    std::vector<NodeId> nodes;
    struct Seen {
      NodeId node;
      NoteWhy why;
      std::int64_t value_ns;
    };
    std::vector<Seen> notes;
  };
  for (const char* host : {"host=algorithm", "host=daemon"}) {
    const auto spec = scenario::load_scenario_file(std::string(CLOCKSIM_SOURCE_DIR) + "/scenarios/berkeley-high-drift.yaml",
                                                   scenario::LoadOptions{{host}});
    Guarded guarded;
    World world(spec);
    world.add_observer(&guarded);
    world.run_until(world.end());
    if (spec.host == scenario::NodeHost::kAlgorithm) {
      EXPECT_TRUE(guarded.nodes.empty());
    } else {
      ASSERT_FALSE(guarded.nodes.empty());
      EXPECT_EQ(guarded.nodes.front(), 0u) << "the master's own correction comes first";
      // Each one is also an event (events.csv's clock_guarded), saying what the guard did.
      ASSERT_EQ(guarded.notes.size(), guarded.nodes.size());
      EXPECT_EQ(guarded.notes.front().node, 0u);
      EXPECT_EQ(guarded.notes.front().why, NoteWhy::kGuardRefusedMasterLimit);
      EXPECT_GT(std::llabs(guarded.notes.front().value_ns), 1'000'000'000) << "the correction asked, above 1 s";
    }
    if (spec.host == scenario::NodeHost::kAlgorithm) {
      EXPECT_TRUE(guarded.notes.empty());
    }
  }
}

}  // namespace
}  // namespace clocksim::sim
