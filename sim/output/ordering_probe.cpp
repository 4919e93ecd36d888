#include "sim/output/ordering_probe.hpp"

#include <algorithm>
#include <limits>

#include <boost/random/poisson_distribution.hpp>

namespace clocksim::sim {

OrderingProbe::OrderingProbe(const scenario::ScenarioSpec& spec, const scenario::OrderingSpec& ordering)
    : servers_(ordering.servers),
      per_server_per_tick_(ordering.requests_per_s / static_cast<double>(ordering.servers.size()) * spec.tick.seconds()),
      rng_(derive_seed(spec.seed, "ordering")),
      lamport_(ordering.servers.size(), 0) {}

void OrderingProbe::count(const Request& earlier, const Request& later) {
  ++r_.pairs;
  // The central's order: by stamp, ties to the lower server index.
  auto wrong = [&](auto earlier_stamp, auto later_stamp) {
    return earlier_stamp > later_stamp || (earlier_stamp == later_stamp && earlier.server > later.server);
  };
  if (wrong(earlier.clock_ns, later.clock_ns)) ++r_.wrong_by_clock;
  if (wrong(earlier.lamport, later.lamport)) ++r_.wrong_by_lamport;
}

void OrderingProbe::on_tick(const TickView& view) {
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
  this_tick_.clear();
  boost::random::poisson_distribution<int, double> arrivals(per_server_per_tick_);
  for (std::uint32_t s = 0; s < servers_.size(); ++s) {
    const NodeSnapshot snap = view.node(servers_[s]);
    // Drawn for a down server too: whether one server is up never shifts the others' draws.
    const int k = arrivals(rng_);
    if (!snap.up) continue;
    lo = std::min(lo, snap.offset_ns);
    hi = std::max(hi, snap.offset_ns);
    for (int i = 0; i < k; ++i) this_tick_.push_back(Request{tick_, s, snap.local_ns, ++lamport_[s]});
  }
  if (hi >= lo) {
    r_.servers_max_skew_ns = std::max(r_.servers_max_skew_ns, hi - lo);
    skew_sum_ += static_cast<double>(hi - lo);
    ++skew_ticks_;
    r_.servers_mean_skew_ns = skew_sum_ / static_cast<double>(skew_ticks_);
  }
  // Requests of one tick are simultaneous; every request of the last tick that had any is
  // paired with every request of this one: they arrived one after the other, nothing between.
  r_.requests += this_tick_.size();
  if (!this_tick_.empty()) {
    for (const Request& a : previous_)
      for (const Request& b : this_tick_) count(a, b);
    previous_.swap(this_tick_);
  }
  ++tick_;
}

nlohmann::ordered_json OrderingProbe::json() const {
  nlohmann::ordered_json j;
  j["requests"] = r_.requests;
  j["consecutive_pairs"] = r_.pairs;
  const double p = r_.pairs > 0 ? static_cast<double>(r_.pairs) : 1.0;
  j["wrongly_ordered_by_clock"] = static_cast<double>(r_.wrong_by_clock) / p;
  j["wrongly_ordered_by_lamport"] = static_cast<double>(r_.wrong_by_lamport) / p;
  j["servers_max_skew_ns"] = r_.servers_max_skew_ns;
  j["servers_mean_skew_ns"] = static_cast<std::int64_t>(r_.servers_mean_skew_ns);
  return j;
}

}  // namespace clocksim::sim
