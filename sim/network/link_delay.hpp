// The fate of one message on one directed link: loss, then latency (drawn, or chosen by the
// adversary), then asymmetry.
#pragma once

#include <cstdint>

#include "algorithms/core/message.hpp"
#include "algorithms/core/rng.hpp"
#include "algorithms/core/time.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

// Who a message is between end to end (a routed message crosses several links): the adversary
// decides by the endpoints and the message type, not by the hop.
struct MessageContext {
  NodeId from = 0;
  NodeId to = 0;
  MsgType type = MsgType::kNone;
};

struct HopResult {
  bool lost = false;
  Duration delay;
};

// The asymmetry a of the undirected link {u, v} (LinkModel::asymmetry): the constant, or one
// draw of the law from a stream named by the link alone, derive_seed(derive_seed(seed, low id),
// high id) with seed = derive_seed(scenario seed, "link_asymmetry"), so a link's draw depends on
// nothing else and costs no memory (a 10^6-node mesh has 5 * 10^11 links).
double link_asymmetry(const scenario::LinkModel& model, NodeId u, NodeId v, std::uint64_t asymmetry_seed);
inline std::uint64_t link_asymmetry_seed(std::uint64_t scenario_seed) {
  return derive_seed(scenario_seed, "link_asymmetry");
}
// The latency factor of direction u -> v on a link of asymmetry a: 1 + a on its slow direction
// (lower id -> higher id unless model.slow_high_to_low), 1 - a on the other.
double direction_factor(const scenario::LinkModel& model, double asymmetry, NodeId u, NodeId v);

// One hop u -> v over a link of asymmetry `asymmetry` (link_asymmetry). Draw order on the link's
// stream: a uniform for the loss test (only when loss > 0), then the latency draw(s) (none for
// constant or adversarial latency).
HopResult traverse_link(const scenario::LinkModel& model, NodeId u, NodeId v,
                        const MessageContext& msg, SmallRng& stream, double asymmetry);

// The latency law's support on one link, asymmetry included (both directions), in ns, rounded
// as draws are. upper is Duration::max() for unbounded laws.
struct LatencyRange {
  Duration lower;
  Duration upper;
};
LatencyRange latency_range(const scenario::LinkModel& model);

// The adversary's choice for kAdversarial latency in [min, max] (before asymmetry): true = max.
//
// Round-trip measurements (kTimeRequest then kTimeReply) estimate a remote offset as the
// midpoint, whose error is (d_out - d_back) / 2 (Cristian 1989; timed's min-filter likewise:
// shared/docs/bounds.md §2). Making one direction min and the other max makes every probe's error
// the largest possible, u / 2 with u = max - min, and gives every probe the same round trip, so
// neither min-RTT selection (Cristian) nor keeping min(out) and min(in) separately (timed) can
// filter it out. The sign flips with the parity of requester + responder: with a fixed master
// (or time server) consecutive node ids err in opposite directions, so after the correction two
// slaves are u apart, the 2 * epsilon reading-error term of the Berkeley bound (bounds.md §1),
// and the master's own (exact) reading sits between them.
//   even parity: request max, reply min (the estimate of the responder reads u/2 high)
//   odd parity:  request min, reply max (u/2 low)
// kSetTime carries an absolute time whose transit the receiver must guess: the extreme of the
// same parity (max for even, min for odd) so that receivers err in opposite directions too.
// Everything else (kAdjust, elections, heartbeats): max. A relative adjustment's value does not
// depend on its delay, so the harm is in applying it as late as possible (clocks keep their
// pre-correction skew longest), and late election and liveness messages slow failover the most.
bool adversary_picks_max(const MessageContext& msg);

}  // namespace clocksim::sim
