// The ordering lesson (scenarios/enrollment.yaml, docs/ordering.md): requests reach the
// scenario's `ordering.servers` as a Poisson stream (stream "ordering" of the seed), each stamped
// on arrival by the server that takes it: with its clock reading, and with a Lamport clock
// counting its own requests (the servers exchange no messages). A central server orders them by
// (stamp, server). The probe knows the true arrival times, so it counts how often the central's
// order puts two requests that arrived one after the other the wrong way round.
//
// Requests arrive at tick instants (the stamp is the clock read exactly then); two requests of
// the same tick are simultaneous and left out of the count, so a scenario uses a fine tick.
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/core/rng.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

struct OrderingResult {
  std::uint64_t requests = 0;
  std::uint64_t pairs = 0;          // (earlier, later) across consecutive non-empty ticks
  std::uint64_t wrong_by_clock = 0;
  std::uint64_t wrong_by_lamport = 0;
  std::int64_t servers_max_skew_ns = 0;
  double servers_mean_skew_ns = 0;
};

class OrderingProbe final : public Observer {
 public:
  OrderingProbe(const scenario::ScenarioSpec& spec, const scenario::OrderingSpec& ordering);
  void on_tick(const TickView& view) override;
  void on_event(Time, NodeId, const Note&) override {}
  const OrderingResult& result() const { return r_; }
  nlohmann::ordered_json json() const;

 private:
  struct Request {
    std::int64_t tick;
    std::uint32_t server;  // index into servers_
    std::int64_t clock_ns;
    std::uint64_t lamport;
  };
  void count(const Request& earlier, const Request& later);

  std::vector<NodeId> servers_;
  double per_server_per_tick_;
  Rng rng_;
  std::vector<std::uint64_t> lamport_;
  std::int64_t tick_ = 0;
  std::vector<Request> previous_;  // the requests of the last tick that had any
  std::vector<Request> this_tick_;
  double skew_sum_ = 0;
  std::uint64_t skew_ticks_ = 0;
  OrderingResult r_;
};

}  // namespace clocksim::sim
