#include "sim/output/ordering_probe.hpp"

#include <algorithm>
#include <limits>

#include <boost/random/poisson_distribution.hpp>

#include "sim/network/link_delay.hpp"

namespace clocksim::sim {
namespace {

const scenario::LinkModel& link_model(const scenario::LinksSpec& links, NodeId a, NodeId b) {
  for (const scenario::LinkOverride& o : links.overrides) {
    if ((o.a == a && o.b == b) || (o.a == b && o.b == a)) return o.model;
  }
  return links.defaults;
}

}  // namespace

OrderingProbe::OrderingProbe(const scenario::ScenarioSpec& spec, const scenario::OrderingSpec& ordering)
    : servers_(ordering.servers),
      central_(ordering.central),
      per_server_per_tick_(ordering.requests_per_s / static_cast<double>(ordering.servers.size()) * spec.tick.seconds()),
      rng_(derive_seed(spec.seed, "ordering")),
      trips_(derive_seed(spec.seed, "ordering/trips")),
      asymmetry_seed_(link_asymmetry_seed(spec.seed)),
      lamport_(ordering.servers.size(), 0),
      heard_(ordering.servers.size(), 0) {
  for (NodeId s : servers_) {
    scenario::LinkModel m = link_model(spec.links, s, central_);
    // A forward the network drops would be sent again: the lesson is about the order, so the
    // modelled channel is reliable and only its delays vary.
    m.loss = 0;
    to_central_.push_back(m);
  }
}

std::int64_t OrderingProbe::trip_ns(NodeId from, NodeId to) {
  const NodeId server = from == central_ ? to : from;
  const auto it = std::find(servers_.begin(), servers_.end(), server);
  const scenario::LinkModel& m = to_central_[static_cast<std::size_t>(it - servers_.begin())];
  return traverse_link(m, from, to, MessageContext{from, to, MsgType::kNone}, trips_,
                       link_asymmetry(m, from, to, asymmetry_seed_))
      .delay.ns();
}

void OrderingProbe::deliver_until(std::int64_t now_ns) {
  // Forwards and publications interleave in true time: a publication sent at a forward's
  // arrival can itself be due before a later forward arrives.
  while (true) {
    const bool fwd = !forwards_.empty() && forwards_.top().at_ns <= now_ns;
    const bool ack = !published_.empty() && published_.top().at_ns <= now_ns;
    if (!fwd && !ack) return;
    if (fwd && (!ack || !(forwards_.top() > published_.top()))) {
      const InFlight f = forwards_.top();
      forwards_.pop();
      central_lamport_ = std::max(central_lamport_, f.lamport) + 1;
      ++central_received_;
      if (f.value >= first_seq_) receipt_[f.value - first_seq_] = central_received_;
      // The central publishes every receipt (the seats left) to all servers, not only the sender.
      for (std::uint32_t s = 0; s < servers_.size(); ++s) {
        published_.push(InFlight{f.at_ns + trip_ns(central_, servers_[s]), sent_++, s, central_lamport_, central_received_});
      }
    } else {
      const InFlight a = published_.top();
      published_.pop();
      lamport_[a.server] = std::max(lamport_[a.server], a.lamport) + 1;
      heard_[a.server] = std::max(heard_[a.server], a.value);
    }
  }
}

void OrderingProbe::count(const Request& earlier, const Request& later) {
  ++r_.pairs;
  // The central's orders: by stamp, ties to the lower server index.
  auto wrong = [&](auto earlier_stamp, auto later_stamp) {
    return earlier_stamp > later_stamp || (earlier_stamp == later_stamp && earlier.server > later.server);
  };
  if (wrong(earlier.clock_ns, later.clock_ns)) ++r_.wrong_by_clock;
  if (wrong(earlier.lamport, later.lamport)) ++r_.wrong_by_lamport;
  if (wrong(earlier.at_central_ns, later.at_central_ns)) ++r_.wrong_by_arrival;
  const std::uint64_t receipt = receipt_[earlier.seq - first_seq_];
  const bool causal = earlier.server == later.server || (receipt != 0 && receipt <= later.heard);
  if (causal) {
    ++r_.causal_pairs;
    if (wrong(earlier.clock_ns, later.clock_ns)) ++r_.causal_wrong_by_clock;
    if (wrong(earlier.lamport, later.lamport)) ++r_.causal_wrong_by_lamport;
  }
}

void OrderingProbe::on_tick(const TickView& view) {
  const std::int64_t now_ns = view.now().ns();
  deliver_until(now_ns);
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
    for (int i = 0; i < k; ++i) {
      const std::uint64_t stamp = ++lamport_[s];
      const std::int64_t at_central = now_ns + trip_ns(servers_[s], central_);
      const std::uint64_t seq = next_seq_++;
      forwards_.push(InFlight{at_central, sent_++, s, stamp, seq});
      receipt_.push_back(0);
      this_tick_.push_back(Request{tick_, s, snap.local_ns, stamp, at_central, seq, heard_[s]});
    }
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
    // Only this tick's requests can be paired again.
    while (first_seq_ < previous_.front().seq) {
      receipt_.pop_front();
      ++first_seq_;
    }
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
  j["wrongly_ordered_by_arrival"] = static_cast<double>(r_.wrong_by_arrival) / p;
  j["causally_related_pairs"] = r_.causal_pairs;
  const double c = r_.causal_pairs > 0 ? static_cast<double>(r_.causal_pairs) : 1.0;
  j["causal_wrongly_ordered_by_clock"] = static_cast<double>(r_.causal_wrong_by_clock) / c;
  j["causal_wrongly_ordered_by_lamport"] = static_cast<double>(r_.causal_wrong_by_lamport) / c;
  j["servers_max_skew_ns"] = r_.servers_max_skew_ns;
  j["servers_mean_skew_ns"] = static_cast<std::int64_t>(r_.servers_mean_skew_ns);
  return j;
}

}  // namespace clocksim::sim
