#include "algorithms/workload/phold.hpp"

#include <boost/random/uniform_int_distribution.hpp>

namespace clocksim::algorithms {

Phold::Phold(const Membership& membership, std::uint64_t seed, const ParamSet& params)
    : self_(membership.self),
      node_count_(static_cast<NodeId>(membership.members->size())),
      population_(params.get_int("population")),
      rng_(seed) {}

std::vector<ParamSpec> Phold::param_specs() {
  return {ParamSpec{"population", ParamType::kInt, std::int64_t{1},
                    "messages each node starts with (the pending events per node)", 1, 1000, {}}};
}

void Phold::send_random(Effects& out) {
  // Any node, itself excluded (a self-send would bypass the network).
  boost::random::uniform_int_distribution<NodeId> pick(0, node_count_ - 2);
  NodeId to = pick(rng_);
  if (to >= self_) ++to;
  out.send(to, make_message(MsgType::kPhold));
}

void Phold::on_start(LocalTime, Effects& out) {
  if (node_count_ < 2) return;
  for (std::int64_t i = 0; i < population_; ++i) send_random(out);
}

void Phold::on_message(LocalTime, NodeId, const Message&, Effects& out) { send_random(out); }

}  // namespace clocksim::algorithms
