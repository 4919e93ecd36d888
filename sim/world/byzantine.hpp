// Byzantine clocks (scenario fault `byzantine`): the liar's process runs its algorithm as usual,
// but every clock reading it reports is falsified on its way to the network, per destination.
// Lying at the boundary rather than inside an algorithm lets the same liar face every sync kind
// (Berkeley, Cristian, Welch-Lynch) without any of them knowing it is tested.
//
// What is falsified: a reply's t2/t3 (the responder's readings; NTP's receive and transmit
// timestamps too) and a correction's value_ns
// (kAdjust, kSetTime: what a lying master tells a slave). Everything else passes untouched.
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/core/message.hpp"
#include "algorithms/core/rng.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

class LiarTable {
 public:
  explicit LiarTable(std::uint64_t seed) : seed_(seed) {}

  // Fault `index` makes spec.node a liar (ending: honest again).
  void start(std::uint32_t index, NodeId node, const scenario::ByzantineSpec& spec);
  void stop(std::uint32_t index);

  bool lying(NodeId node) const;
  bool any() const { return !liars_.empty(); }
  // `msg` as `from` tells it to `to` (unchanged when `from` is honest or the type carries no reading).
  Message tamper(NodeId from, NodeId to, const Message& msg);

  // The shift `from` applies to readings it reports to `to` (draws for an arbitrary liar).
  std::int64_t shift_ns(NodeId from, NodeId to);

 private:
  struct Liar {
    std::uint32_t fault;
    NodeId node;
    scenario::ByzantineSpec spec;
    Rng rng;
  };
  Liar* find(NodeId node);
  std::uint64_t seed_;
  std::vector<Liar> liars_;  // a handful at most: a linear scan beats a map
};

}  // namespace clocksim::sim
