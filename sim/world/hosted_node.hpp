// A simulated node that runs the production node loop (node/loop/node_loop.hpp), for scenarios
// with `host: daemon`. It is the loop's host: its Clock is the node's clock model read at the
// world's true time, its monotonic TimeSource is true time, its DatagramTransport hands bytes to
// the simulated network, its TimerService is the world's event queue. So a timer fires at the
// same instant, and a message leaves and arrives at the same instants, as with `host: algorithm`;
// in between, the bytes are encoded, authenticated, decoded and replay-checked as in clocksyncd.
#pragma once

#include <memory>
#include <span>

#include "algorithms/core/algorithm.hpp"
#include "node/clock/clock.hpp"
#include "node/loop/interfaces.hpp"
#include "node/loop/log.hpp"
#include "node/loop/node_loop.hpp"
#include "sim/world/world.hpp"

namespace clocksim::sim {

class World::HostedNode final : public node::Clock,
                                public node::TimeSource,
                                public node::DatagramTransport,
                                public node::TimerService,
                                public node::NodeLoopObserver,
                                public node::StableStore {
 public:
  // `epoch`: this run's start-up epoch (node/wire/freshness.hpp), planned by the world.
  HostedNode(World& world, NodeId id, std::unique_ptr<Algorithm> algorithm, std::uint64_t epoch);
  node::NodeLoop& loop() { return *loop_; }
  const Algorithm& algorithm() const { return loop_->algorithm(); }

  // node::Clock
  std::string_view backend() const override { return "simulated"; }
  LocalTime now() override;
  void step(Duration delta) override;
  void slew(Duration delta) override;
  void set_rate_correction_ppm(double ppm) override;
  Duration monotonic_span(Duration local_span) override;
  Duration offset_from_system() override;
  Duration pending_slew() override;
  double rate_correction_ppm() const override;
  // node::TimeSource: the simulated host's monotonic and wall clocks both read true time.
  node::MonoTime monotonic_now() override;
  node::WallTime wall_now() override;
  // node::DatagramTransport
  bool send_datagram(NodeId to, std::span<const std::uint8_t> bytes, const Message& carried) override;
  // node::TimerService
  void arm(TimerId id, node::MonoTime deadline) override;
  void cancel(TimerId id) override;
  // node::NodeLoopObserver
  void on_note(const Note& note) override;
  void on_clock_effect(const ClockEffect& applied) override;
  void on_clock_guarded(const ClockEffect& asked, GuardOutcome outcome) override;
  // node::StableStore: the world is the node's stable storage. What it keeps of its own for the
  // next incarnation (election numbers, logical clocks) it hands the algorithm directly; the clock
  // guard's window goes through here, so that a crash gives no liar a fresh budget, as with
  // clocksyncd's state file.
  const StableState& saved() const override { return saved_; }
  bool save(const StableState& state) override;
  const std::string& last_error() const override { return no_error_; }

 private:
  ClockModel& clock();

  World& world_;
  NodeId id_;
  node::Logger log_{nullptr};
  StableState saved_;
  std::string no_error_;
  std::unique_ptr<node::NodeLoop> loop_;
};

}  // namespace clocksim::sim
