#include "sim/bound/no_bound_text.hpp"

#include <sstream>

#include "algorithms/core/c_locale_stream.hpp"
#include "algorithms/registry.hpp"

namespace clocksim::sim {

using bounds::NoBoundWhy;

std::string no_bound_text(const bounds::NoBound& n) {
  CLocaleStream os;
  switch (n.why) {
    case NoBoundWhy::kNone: break;
    case NoBoundWhy::kUnboundedClocks:
      os << "an unbounded clock distribution (normal, exponential, ...) for initial offsets or drift has no worst case";
      break;
    case NoBoundWhy::kUnboundedLatency: os << "an unbounded latency distribution has no worst case"; break;
    case NoBoundWhy::kMessageLoss:
      os << "message loss can leave a clock uncorrected for rounds, or change which estimates a node keeps: no "
            "worst case";
      break;
    case NoBoundWhy::kRateWander: os << "random-walk wander has no deterministic bound"; break;
    case NoBoundWhy::kFaults: os << "faults (crashes, partitions, clock steps) are not covered by the sync bound"; break;
    case NoBoundWhy::kElection: os << "an election changes masters: not covered by the sync bound"; break;
    case NoBoundWhy::kMasterNotOneHop:
      os << "the sync bound assumes every node one hop from the master (full mesh, or a star around it)";
      break;
    case NoBoundWhy::kMastersNotOneHop:
      os << "the sync bound through master changes assumes a full mesh (every node one hop from any master)";
      break;
    case NoBoundWhy::kPeersNotOneHop:
      os << "the welch_lynch bound assumes a full mesh (every node reads every other over one link)";
      break;
    case NoBoundWhy::kByzantineClocks: os << "Byzantine clocks: only welch_lynch has a bound model with liars"; break;
    case NoBoundWhy::kRateCorrectionAcrossMasters:
      os << "rate corrections outlive the master that set them: master changes with rate correction are not covered";
      break;
    case NoBoundWhy::kUntrustedMaster:
      os << "node " << n.node << " may lead but is not in the trusted set: its corrections are refused";
      break;
    case NoBoundWhy::kElectionWithWelchLynch: os << "welch_lynch needs no election; with one there is no bound model"; break;
    case NoBoundWhy::kFaultsBesideByzantine:
      os << "faults other than byzantine (crashes, partitions, clock steps) are not covered by the welch_lynch bound";
      break;
    case NoBoundWhy::kNoModel: {
      const auto* r = algorithms::find_registration(n.algorithm, algorithms::Layer::kSync);
      if (r != nullptr && !r->bound.has_hook()) {
        os << r->bound.no_bound_reason;
      } else {
        os << "sync algorithm '" << n.algorithm << "' has no bound model";
      }
      break;
    }
    case NoBoundWhy::kUnknownAlgorithm: os << "no bound model for sync algorithm '" << n.algorithm << "'"; break;
    case NoBoundWhy::kRateAndSlewReachOne: os << "rate error plus slew rate reach 100%"; break;
    case NoBoundWhy::kRoundTripOutlastsProbes:
      os << "a round trip can outlast a slave's whole probe schedule (probes x probe_timeout, within measure_cap), "
            "so a slave may never be measured";
      break;
    case NoBoundWhy::kRoundTripOutlastsTimeout:
      os << "a round trip can outlast probe_timeout, so every reply of a series may come too late and be discarded";
      break;
    case NoBoundWhy::kLateSettimeAck:
      os << "a SETTIME's ACK can come after the master's one wait for it (ack_timeout): the slave is counted as "
            "failed, dropped after lost_host_rounds such rounds or its rate fit restarted";
      break;
    case NoBoundWhy::kLateCorrectionAck:
      os << "a correction's ACK can come after the master's last wait for it (ack_timeout doubled over ack_tries "
            "sends): the slave is counted as failed, dropped after lost_host_rounds such rounds or its rate fit "
            "restarted";
      break;
    case NoBoundWhy::kFirstSlewsOutlastPeriod:
      os << "first-round slews outlast the period (raise the slew rate, lower step_threshold or the initial spread)";
      break;
    case NoBoundWhy::kSlewsOutlastPeriod:
      os << "steady-state slews outlast the period (raise the slew rate or lower step_threshold)";
      break;
    case NoBoundWhy::kNoFiniteGrowth:
      os << "under message loss the epoch model needs a finite growth of the clocks' hull per round, and this "
            "scenario's has none";
      break;
    case NoBoundWhy::kTooFewNodes: os << "fault-tolerant averaging needs two nodes at least"; break;
    case NoBoundWhy::kFaultsDropEveryEstimate:
      os << "faults: " << n.faults << " drops every estimate of " << n.nodes << " nodes: nobody ever corrects";
      break;
    case NoBoundWhy::kStepsOnly:
      os << "the welch_lynch bound covers stepped corrections only (step_threshold: 0)";
      break;
    case NoBoundWhy::kDriftTooLarge: os << "drift of 1% or more is outside the bound's model"; break;
    case NoBoundWhy::kByzantineNeedsMidpoint:
      os << "with Byzantine clocks only combine: midpoint has a bound (Welch-Lynch)";
      break;
    case NoBoundWhy::kMoreLiarsThanFaults:
      os << n.liars << " Byzantine clocks but faults: " << n.faults << ": no bound";
      break;
    case NoBoundWhy::kTooFewForLiars:
      os << "n = " << n.nodes << " < 3f + 1 = " << 3 * n.faults + 1
         << ": liars can keep the honest clocks apart (Dolev, Halpern & Strong); no bound";
      break;
    case NoBoundWhy::kReadWindowTooShort:
      os << "read_window (" << n.amount_s << " s) must exceed the skew at a round start plus a round trip ("
         << n.limit_s << " s): a correction could land inside another node's reading";
      break;
    case NoBoundWhy::kRoundsOverlap:
      os << "period must exceed read_window plus the skew: rounds would overlap";
      break;
    case NoBoundWhy::kGuardRefusesCorrection:
      os << "host: daemon: clocksyncd's clock guard may refuse a correction of up to " << n.amount_s
         << " s (its limit: " << n.limit_s << " s) that the bound counts on";
      break;
    case NoBoundWhy::kGuardRefusesCorrectionSum:
      os << "host: daemon: clocksyncd's clock guard may refuse corrections (frequency corrections' movement included) adding up to " << n.amount_s << " s within "
         << n.window_s << " s (its limit: " << n.limit_s << " s) that the bound counts on";
      break;
    case NoBoundWhy::kGuardClampsRate:
      os << "host: daemon: clocksyncd's clock guard clamps frequency corrections to " << n.rate_limit_ppm
         << " ppm, below the " << n.rate_ppm << " ppm the bound lets the master send";
      break;
    case NoBoundWhy::kGuardSlewsSteps:
      os << "host: daemon: clocksyncd's clock guard slews steps smaller than min_step (" << n.limit_s
         << " s), and the algorithm steps corrections from " << n.amount_s
         << " s on, which the bound takes as done at once";
      break;
  }
  const bool guard = n.why == NoBoundWhy::kGuardRefusesCorrection || n.why == NoBoundWhy::kGuardRefusesCorrectionSum ||
                     n.why == NoBoundWhy::kGuardClampsRate || n.why == NoBoundWhy::kGuardSlewsSteps;
  if (guard && !n.node.empty()) os << " (node " << n.node << "'s own limits)";
  return os.str();
}

std::string bound_caveats_text(const bounds::SkewBound& b) {
  CLocaleStream os;
  if (b.rate_correction_not_counted) {
    os << "; rate correction not counted: a steady correction can reach settime_threshold, and the SETTIME "
          "restarts the slave's rate fit";
  }
  if (b.probabilistic) {
    os << "; rate wander: a 6-sigma envelope, holds with probability >= 1 - " << b.wander_miss_at_most
       << " (every clock's walk within 6 sigma over the run)";
  }
  return os.str();
}

}  // namespace clocksim::sim
