#include "sim/world/byzantine.hpp"

#include <algorithm>

#include <boost/random/uniform_int_distribution.hpp>

namespace clocksim::sim {

void LiarTable::start(std::uint32_t index, NodeId node, const scenario::ByzantineSpec& spec) {
  stop(index);
  // Its own stream per fault: adding a liar never changes another one's draws.
  liars_.push_back(Liar{index, node, spec, Rng(derive_seed(seed_, static_cast<std::uint64_t>(index)))});
}

void LiarTable::stop(std::uint32_t index) {
  liars_.erase(std::remove_if(liars_.begin(), liars_.end(), [&](const Liar& l) { return l.fault == index; }),
               liars_.end());
}

bool LiarTable::lying(NodeId node) const {
  return std::any_of(liars_.begin(), liars_.end(), [&](const Liar& l) { return l.node == node; });
}

LiarTable::Liar* LiarTable::find(NodeId node) {
  for (auto& l : liars_) {
    if (l.node == node) return &l;
  }
  return nullptr;
}

std::int64_t LiarTable::shift_ns(NodeId from, NodeId to) {
  Liar* l = find(from);
  if (l == nullptr) return 0;
  const std::int64_t lie = l->spec.lie.ns();
  if (l->spec.mode == scenario::ByzantineSpec::Mode::kArbitrary) {
    boost::random::uniform_int_distribution<std::int64_t> pick(-lie, lie);
    return pick(l->rng);
  }
  const auto& behind = l->spec.told_behind;
  return std::find(behind.begin(), behind.end(), to) != behind.end() ? -lie : lie;
}

Message LiarTable::tamper(NodeId from, NodeId to, const Message& msg) {
  Message m = msg;
  switch (msg.type) {
    case MsgType::kTimeReply:
    case MsgType::kNtpReply: {  // NTP's receive and transmit timestamps are its t2 and t3
      const std::int64_t s = shift_ns(from, to);
      m.t2_ns += s;
      m.t3_ns += s;
      break;
    }
    case MsgType::kAdjust:
    case MsgType::kSetTime: m.value_ns += shift_ns(from, to); break;
    default: break;
  }
  return m;
}

}  // namespace clocksim::sim
