// Why a scenario has no worst-case skew bound, as data. The bound functions (here and in
// sim/bound) return it; the output layer writes its word (summary.json `bound_why`, sweep.csv)
// for programs that group runs by it, and a sentence for people (sim/bound/no_bound_text.hpp)
// built from the figures it carries.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace clocksim::bounds {

enum class NoBoundWhy : std::uint8_t {
  kNone,  // there is a bound
  // The scenario's laws have no worst case.
  kUnboundedClocks,   // an initial offset or drift law without bounds (normal, exponential, ...)
  kUnboundedLatency,  // a latency law without an upper bound
  kMessageLoss,       // a lost message can leave a clock uncorrected for rounds
  kRateWander,        // random-walk wander (a model without a probabilistic envelope)
  // What happens in the run is outside the model.
  kFaults,               // crashes, partitions or clock steps
  kElection,             // an election changes masters
  kMasterNotOneHop,      // some node is more than one hop from the (fixed) master
  kMastersNotOneHop,     // through master changes: not a full mesh, so not every node is one hop from any master
  kPeersNotOneHop,       // welch_lynch: not a full mesh, so some node cannot read every other over one link
  kByzantineClocks,      // lying clocks, which only welch_lynch models
  kRateCorrectionAcrossMasters,  // rate corrections outlive the master that set them
  kUntrustedMaster,      // `node` may lead but is not in the trusted set
  kElectionWithWelchLynch,
  kFaultsBesideByzantine,  // welch_lynch covers Byzantine clocks and nothing else
  // The algorithm has no bound model.
  kNoModel,           // declared by the algorithm (its registration says why)
  kUnknownAlgorithm,  // no bound hook under `algorithm`
  // The algorithm's parameters defeat the model.
  kRateAndSlewReachOne,        // rate error plus slew rate reach 100 %
  kRoundTripOutlastsProbes,    // Berkeley: a slave may never be measured
  kRoundTripOutlastsTimeout,   // Cristian: every reply of a series may come too late
  kLateSettimeAck,             // Berkeley: a SETTIME's ACK after the master's one wait
  kLateCorrectionAck,          // Berkeley: a correction's ACK after the master's last wait
  kFirstSlewsOutlastPeriod,
  kSlewsOutlastPeriod,
  kNoFiniteGrowth,             // the epoch model under loss: no finite growth per round
  kTooFewNodes,                // fault-tolerant averaging: fewer than two nodes
  kFaultsDropEveryEstimate,    // 2f + 1 > n
  kStepsOnly,                  // welch_lynch: stepped corrections only
  kDriftTooLarge,              // welch_lynch: drift of 1 % or more
  kByzantineNeedsMidpoint,     // liars with combine: mean
  kMoreLiarsThanFaults,
  kTooFewForLiars,             // n < 3f + 1
  kReadWindowTooShort,
  kRoundsOverlap,
  // clocksyncd's clock guard (host: daemon) may refuse what the bound counts on.
  kGuardRefusesCorrection,
  kGuardRefusesCorrectionSum,
  kGuardClampsRate,
  kGuardSlewsSteps,  // min_step above the smallest correction the algorithm steps
};
inline constexpr NoBoundWhy kLastNoBoundWhy = NoBoundWhy::kGuardSlewsSteps;

// The figures a reason quotes; each reason fills the ones its sentence names, the rest stay
// zero or empty.
struct NoBound {
  NoBoundWhy why = NoBoundWhy::kNone;
  std::string algorithm;  // kNoModel, kUnknownAlgorithm
  std::string node;       // kUntrustedMaster: the node's name; guard reasons: the node whose own limits: break it
  double amount_s = 0;    // kGuardRefusesCorrection(Sum): the correction; kReadWindowTooShort: read_window;
                          // kGuardSlewsSteps: the smallest step
  double limit_s = 0;     // the limit it meets (kGuardSlewsSteps: min_step); kReadWindowTooShort: the
                          // skew plus a round trip
  double window_s = 0;    // kGuardRefusesCorrectionSum
  double rate_ppm = 0;    // kGuardClampsRate: the rate the bound lets the master send
  double rate_limit_ppm = 0;
  std::int64_t nodes = 0;   // kFaultsDropEveryEstimate, kTooFewForLiars
  std::int64_t faults = 0;  // the same, and kMoreLiarsThanFaults
  std::int64_t liars = 0;   // kMoreLiarsThanFaults

  NoBound() = default;
  explicit NoBound(NoBoundWhy w) : why(w) {}
  explicit operator bool() const { return why != NoBoundWhy::kNone; }
};

// The reason's word, snake_case and stable ("unbounded_latency"); empty for kNone.
std::string_view no_bound_word(NoBoundWhy why);

}  // namespace clocksim::bounds
