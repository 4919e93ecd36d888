#include "algorithms/bounds/no_bound.hpp"

namespace clocksim::bounds {

std::string_view no_bound_word(NoBoundWhy why) {
  switch (why) {
    case NoBoundWhy::kNone: return "";
    case NoBoundWhy::kUnboundedClocks: return "unbounded_clocks";
    case NoBoundWhy::kUnboundedLatency: return "unbounded_latency";
    case NoBoundWhy::kMessageLoss: return "message_loss";
    case NoBoundWhy::kRateWander: return "rate_wander";
    case NoBoundWhy::kFaults: return "faults";
    case NoBoundWhy::kElection: return "election";
    case NoBoundWhy::kMasterNotOneHop: return "master_not_one_hop";
    case NoBoundWhy::kMastersNotOneHop: return "masters_not_one_hop";
    case NoBoundWhy::kPeersNotOneHop: return "peers_not_one_hop";
    case NoBoundWhy::kByzantineClocks: return "byzantine_clocks";
    case NoBoundWhy::kRateCorrectionAcrossMasters: return "rate_correction_across_masters";
    case NoBoundWhy::kUntrustedMaster: return "untrusted_master";
    case NoBoundWhy::kElectionWithWelchLynch: return "election_with_welch_lynch";
    case NoBoundWhy::kFaultsBesideByzantine: return "faults_beside_byzantine";
    case NoBoundWhy::kNoModel: return "no_model";
    case NoBoundWhy::kUnknownAlgorithm: return "unknown_algorithm";
    case NoBoundWhy::kRateAndSlewReachOne: return "rate_and_slew_reach_one";
    case NoBoundWhy::kRoundTripOutlastsProbes: return "round_trip_outlasts_probes";
    case NoBoundWhy::kRoundTripOutlastsTimeout: return "round_trip_outlasts_timeout";
    case NoBoundWhy::kLateSettimeAck: return "late_settime_ack";
    case NoBoundWhy::kLateCorrectionAck: return "late_correction_ack";
    case NoBoundWhy::kFirstSlewsOutlastPeriod: return "first_slews_outlast_period";
    case NoBoundWhy::kSlewsOutlastPeriod: return "slews_outlast_period";
    case NoBoundWhy::kNoFiniteGrowth: return "no_finite_growth";
    case NoBoundWhy::kTooFewNodes: return "too_few_nodes";
    case NoBoundWhy::kFaultsDropEveryEstimate: return "faults_drop_every_estimate";
    case NoBoundWhy::kStepsOnly: return "steps_only";
    case NoBoundWhy::kDriftTooLarge: return "drift_too_large";
    case NoBoundWhy::kByzantineNeedsMidpoint: return "byzantine_needs_midpoint";
    case NoBoundWhy::kMoreLiarsThanFaults: return "more_liars_than_faults";
    case NoBoundWhy::kTooFewForLiars: return "too_few_for_liars";
    case NoBoundWhy::kReadWindowTooShort: return "read_window_too_short";
    case NoBoundWhy::kRoundsOverlap: return "rounds_overlap";
    case NoBoundWhy::kGuardRefusesCorrection: return "guard_refuses_correction";
    case NoBoundWhy::kGuardRefusesCorrectionSum: return "guard_refuses_correction_sum";
    case NoBoundWhy::kGuardClampsRate: return "guard_clamps_rate";
    case NoBoundWhy::kGuardSlewsSteps: return "guard_slews_steps";
  }
  return "";
}

}  // namespace clocksim::bounds
