// PHOLD (Fujimoto's parallel hold model) as an algorithm: the standard discrete-event benchmark
// workload, run through the whole engine (node host, network, event queue) so that bench/ can
// measure the simulator as a user runs it. Each node starts `population` messages to random
// nodes; every message received is answered by one more to a random node. The network's link
// latency gives the hold time (a scenario uses `1ms + exponential(1ms)` to match the classic
// workload). It never touches its clock.
#pragma once

#include <cstdint>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/params.hpp"
#include "algorithms/core/rng.hpp"

namespace clocksim::algorithms {

class Phold final : public Algorithm {
 public:
  Phold(const Membership& membership, std::uint64_t seed, const ParamSet& params);
  static std::vector<ParamSpec> param_specs();

  void on_start(LocalTime now, Effects& out) override;
  void on_message(LocalTime now, NodeId from, const Message& msg, Effects& out) override;
  void on_timer(LocalTime, TimerId, Effects&) override {}
  Role role() const override { return Role::kNone; }

 private:
  void send_random(Effects& out);
  NodeId self_;
  NodeId node_count_;
  std::int64_t population_;
  SmallRng rng_;
};

}  // namespace clocksim::algorithms
