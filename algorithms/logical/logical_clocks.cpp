#include "algorithms/logical/logical_clocks.hpp"

#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace clocksim::logical {

std::vector<ParamSpec> logical_params() {
  const LogicalConfig d;
  std::vector<ParamSpec> p;
  p.push_back(ParamSpec{"clock", ParamType::kChoice, std::string("vector"),
                        "lamport: a Lamport clock only; vector: a vector clock as well", -1e300, 1e300,
                        {"lamport", "vector"}});
  p.push_back(ParamSpec{"mean_interval", ParamType::kDuration, d.mean_interval,
                        "mean time between a node's application events (a Poisson process)", 1e3, 1e16, {}});
  p.push_back(ParamSpec{"send_probability", ParamType::kDouble, d.send_probability,
                        "chance that an event sends a message (else it is a local event)", 0, 1, {}});
  p.push_back(ParamSpec{"peers", ParamType::kChoice, std::string("random"),
                        "whom a send goes to: any other node, or a ring neighbour in id order (the member before or after it)",
                        -1e300, 1e300, {"random", "neighbours"}});
  return p;
}

LogicalConfig logical_config(const ParamSet& p) {
  LogicalConfig c;
  c.vector = p.get_choice("clock") == "vector";
  c.mean_interval = p.get_duration("mean_interval");
  c.send_probability = p.get_double("send_probability");
  c.peers = p.get_choice("peers") == "neighbours" ? PeerChoice::kNeighbours : PeerChoice::kRandom;
  return c;
}

LogicalClocks::LogicalClocks(const Membership& membership, LogicalConfig config, std::uint64_t seed,
                             const LogicalState& before)
    : self_(membership.self),
      members_(membership.members ? *membership.members : std::vector<NodeId>{membership.self}),
      self_index_(static_cast<NodeId>(std::lower_bound(members_.begin(), members_.end(), self_) - members_.begin())),
      n_(static_cast<NodeId>(members_.size())),
      config_(config),
      rng_(derive_seed(seed, "logical.workload")),
      lamport_(before.lamport),
      vector_(config.vector ? n_ : 0, self_index_, before.vector),
      inbox_(n_),
      next_message_id_(before.next_message_id) {
  if (self_index_ == n_ || members_[self_index_] != self_) {
    throw std::invalid_argument("logical clocks: node " + std::to_string(self_) + " is not among the members");
  }
}

void LogicalClocks::arm(Effects& out) {
  boost::random::exponential_distribution<double> gap(1.0);
  const double ns = gap(rng_) * static_cast<double>(config_.mean_interval.ns());
  out.set_timer(kLogicalEventTimer, Duration::from_ns(std::max<std::int64_t>(1, std::llround(ns))));
}

NodeId LogicalClocks::pick_peer() {
  if (config_.peers == PeerChoice::kNeighbours) {
    const bool up = rng_.uniform01() < 0.5;
    return members_[up ? (self_index_ + 1) % n_ : (self_index_ + n_ - 1) % n_];
  }
  boost::random::uniform_int_distribution<NodeId> pick(0, n_ - 2);
  NodeId to = pick(rng_);
  if (to >= self_index_) ++to;  // anyone but itself
  return members_[to];
}

void LogicalClocks::record(LogicalEvent::Kind kind, NodeId peer, std::uint32_t id) {
  has_event_ = true;
  event_.kind = kind;
  event_.peer = peer;
  event_.message_id = id;
  event_.lamport = lamport_.now();
  event_.vector = vector_.entries();
}

void LogicalClocks::on_start(LocalTime, Effects& out) {
  has_event_ = false;
  if (started_) return;
  started_ = true;
  arm(out);
}

void LogicalClocks::on_timer(LocalTime, TimerId id, Effects& out) {
  has_event_ = false;
  if (id != kLogicalEventTimer) return;
  arm(out);
  const bool send = n_ >= 2 && rng_.uniform01() < config_.send_probability;
  lamport_.tick();
  if (config_.vector) vector_.tick();
  if (!send) {
    record(LogicalEvent::Kind::kLocal, kNoNode, 0);
    return;
  }
  const NodeId to = pick_peer();
  const std::uint32_t message_id = next_message_id_++;
  for (const Message& m : encode_stamp(message_id, lamport_.now(), vector_.entries())) out.send(to, m);
  record(LogicalEvent::Kind::kSend, to, message_id);
}

void LogicalClocks::on_message(LocalTime, NodeId from, const Message& msg, Effects& out) {
  has_event_ = false;
  Stamp stamp;
  switch (inbox_.add(from, msg, stamp)) {
    case StampReassembler::Result::kComplete: break;
    case StampReassembler::Result::kMalformed:
      out.note(Note(NoteWhat::kMalformedStampDropped).with_message(msg.type).with_peer(from));
      return;
    default: return;  // a fragment awaiting the rest, a duplicate, another protocol's message
  }
  if (config_.vector && stamp.vector.size() != n_) {
    out.note(Note(NoteWhat::kNoVectorStampDropped).with_peer(from));
    return;
  }
  lamport_.receive(stamp.lamport);
  if (config_.vector) vector_.receive(stamp.vector);
  record(LogicalEvent::Kind::kReceive, from, stamp.message_id);
}

}  // namespace clocksim::logical
