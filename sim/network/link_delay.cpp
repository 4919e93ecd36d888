#include "sim/network/link_delay.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "algorithms/core/round_ns.hpp"
#include "sim/distributions.hpp"

namespace clocksim::sim {

namespace {

using DistributionKind = scenario::Distribution::Kind;

Duration round_ns(double ns) {
  if (!(ns < 9.2e18)) return Duration::max();
  return Duration::from_ns(round_ns_half_away(ns));
}

}  // namespace

double link_asymmetry(const scenario::LinkModel& model, NodeId u, NodeId v, std::uint64_t asymmetry_seed) {
  const scenario::Distribution& law = model.asymmetry;
  if (law.kind == DistributionKind::kConstant) return law.a + law.shift;
  SmallRng stream(derive_seed(derive_seed(asymmetry_seed, std::uint64_t{std::min(u, v)}), std::uint64_t{std::max(u, v)}));
  // The parser keeps the support within [-1, 1]; the clamp only guards rounding at its ends.
  return std::clamp(sample(law, stream), -1.0, 1.0);
}

double direction_factor(const scenario::LinkModel& model, double asymmetry, NodeId u, NodeId v) {
  const bool slow = (u < v) != model.slow_high_to_low;
  return slow ? 1 + asymmetry : 1 - asymmetry;
}

bool adversary_picks_max(const MessageContext& msg) {
  const bool even = ((msg.from ^ msg.to) & 1U) == 0;
  switch (msg.type) {
    // NTP's on-wire offset is the same midpoint of one exchange as a clock reading's: its
    // request and reply err the same way, or the adversary would grant NTP symmetric paths.
    case MsgType::kTimeRequest:
    case MsgType::kNtpRequest: return even;
    case MsgType::kTimeReply:
    case MsgType::kNtpReply: return !even;
    case MsgType::kSetTime: return even;
    default: return true;
  }
}

HopResult traverse_link(const scenario::LinkModel& model, NodeId u, NodeId v,
                        const MessageContext& msg, SmallRng& stream, double asymmetry) {
  if (model.loss > 0 && stream.uniform01() < model.loss) return {true, Duration::zero()};
  const scenario::Distribution& law = model.latency_ns;
  double latency_ns = 0;
  if (law.kind == DistributionKind::kAdversarial) {
    latency_ns = std::max(0.0, (adversary_picks_max(msg) ? law.b : law.a) + law.shift);
  } else {
    latency_ns = sample_latency(law, stream);
  }
  return {false, round_ns(latency_ns * direction_factor(model, asymmetry, u, v))};
}

LatencyRange latency_range(const scenario::LinkModel& model) {
  const double a = model.max_abs_asymmetry();
  const double lower = std::max(0.0, model.latency_ns.lower_bound()) * (1 - a);
  const double upper = model.latency_ns.upper_bound();
  return {round_ns(lower), std::isinf(upper) ? Duration::max() : round_ns(std::max(0.0, upper) * (1 + a))};
}

}  // namespace clocksim::sim
