// The ordering lesson (scenarios/enrollment.yaml, docs/ordering.md): requests reach the
// scenario's `ordering.servers` as a Poisson stream (stream "ordering" of the seed), each stamped
// on arrival by the server that takes it with its clock reading and its Lamport clock, and
// forwarded to the central server, which publishes each receipt to every server. The central orders requests three ways:
// by clock stamp, by Lamport stamp, and by when they reached it. The probe knows the true arrival
// times, so it counts how often each order puts two requests that arrived one after the other the
// wrong way round, and which pairs are causally related.
//
// The forwards and the publications are modelled, not sent: their delays are drawn from the
// latency law of the link between server and central (stream "ordering/trips", loss left out as
// a reliable channel would hide it), so the sync algorithm's traffic and the clocks are the same
// with or without the probe. The Lamport clocks follow the exchange exactly (Lamport 1978: a
// receive sets the clock past the message's stamp): a server's stamp exceeds every request whose
// publication it has received, so Lamport order is the order of information flow, not of arrival
// time: right for requests further apart than a round trip to the central, arbitrary below.
//
// Requests arrive at tick instants (the stamp is the clock read exactly then); two requests of
// the same tick are simultaneous and left out of the count, so a scenario uses a fine tick.
#pragma once

#include <cstdint>
#include <deque>
#include <queue>
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
  std::uint64_t wrong_by_arrival = 0;  // the central's order of receipt
  // Pairs where the later request happened after the earlier one (Lamport's relation): same
  // server, or the later server had heard from the central after it received the earlier request.
  std::uint64_t causal_pairs = 0;
  std::uint64_t causal_wrong_by_clock = 0;
  std::uint64_t causal_wrong_by_lamport = 0;  // the clock condition: always 0
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
    std::int64_t at_central_ns;  // true time the forward reaches the central
    std::uint64_t seq;           // request number, from 0
    std::uint64_t heard;         // the central's receipt count this server had heard of when stamping
  };
  // A message of the modelled exchange in flight: a forward to the central (lamport = the
  // request's stamp) or a publication to `server` (lamport = the central's clock).
  struct InFlight {
    std::int64_t at_ns;
    std::uint64_t seq;  // send order: a stable tie-break
    std::uint32_t server;
    std::uint64_t lamport;
    std::uint64_t value;  // forward: the request number; publication: the central's receipt count
    bool operator>(const InFlight& o) const { return at_ns != o.at_ns ? at_ns > o.at_ns : seq > o.seq; }
  };
  using InFlightQueue = std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>>;

  void count(const Request& earlier, const Request& later);
  std::int64_t trip_ns(NodeId from, NodeId to);
  // Delivers every modelled message due by `now_ns`, in (time, send order).
  void deliver_until(std::int64_t now_ns);

  std::vector<NodeId> servers_;
  NodeId central_;
  std::vector<scenario::LinkModel> to_central_;  // per server: the link's law (loss removed)
  double per_server_per_tick_;
  Rng rng_;
  SmallRng trips_;
  std::uint64_t asymmetry_seed_;  // the network's per-link asymmetry draws
  std::vector<std::uint64_t> lamport_;  // per server
  std::uint64_t central_lamport_ = 0;
  std::uint64_t central_received_ = 0;
  std::vector<std::uint64_t> heard_;  // per server: the central's receipt count it knows of
  // The central's receipt number (from 1; 0 = not yet) of requests from first_seq_ on: the
  // requests that can still be paired.
  std::deque<std::uint64_t> receipt_;
  std::uint64_t first_seq_ = 0;
  std::uint64_t next_seq_ = 0;
  std::uint64_t sent_ = 0;
  InFlightQueue forwards_;
  InFlightQueue published_;
  std::int64_t tick_ = 0;
  std::vector<Request> previous_;  // the requests of the last tick that had any
  std::vector<Request> this_tick_;
  double skew_sum_ = 0;
  std::uint64_t skew_ticks_ = 0;
  OrderingResult r_;
};

}  // namespace clocksim::sim
