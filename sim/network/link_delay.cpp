#include "sim/network/link_delay.hpp"

#include <cmath>
#include <limits>

#include "sim/distributions.hpp"

namespace clocksim::sim {

namespace {

using Kind = scenario::Distribution::Kind;

// Low id -> high id is the "forward" direction of the asymmetry (sim/scenario/spec.hpp).
double asymmetry_factor(const scenario::LinkModel& model, NodeId u, NodeId v) {
  return u < v ? 1 + model.asymmetry : 1 - model.asymmetry;
}

Duration round_ns(double ns) {
  if (!(ns < 9.2e18)) return Duration::max();
  return Duration::from_ns(std::llround(ns));
}

}  // namespace

bool adversary_picks_max(const MessageContext& msg) {
  const bool even = ((msg.from ^ msg.to) & 1U) == 0;
  switch (msg.type) {
    case MsgType::kTimeRequest: return even;
    case MsgType::kTimeReply: return !even;
    case MsgType::kSetTime: return even;
    default: return true;
  }
}

HopResult traverse_link(const scenario::LinkModel& model, NodeId u, NodeId v,
                        const MessageContext& msg, SmallRng& stream) {
  if (model.loss > 0 && stream.uniform01() < model.loss) return {true, Duration::zero()};
  const scenario::Distribution& law = model.latency_ns;
  double latency_ns = 0;
  if (law.kind == Kind::kAdversarial) {
    latency_ns = std::max(0.0, (adversary_picks_max(msg) ? law.b : law.a) + law.shift);
  } else {
    latency_ns = sample_latency(law, stream);
  }
  return {false, round_ns(latency_ns * asymmetry_factor(model, u, v))};
}

LatencyRange latency_range(const scenario::LinkModel& model) {
  const double a = std::abs(model.asymmetry);
  const double lower = std::max(0.0, model.latency_ns.lower_bound()) * (1 - a);
  const double upper = model.latency_ns.upper_bound();
  return {round_ns(lower), std::isinf(upper) ? Duration::max() : round_ns(std::max(0.0, upper) * (1 + a))};
}

}  // namespace clocksim::sim
