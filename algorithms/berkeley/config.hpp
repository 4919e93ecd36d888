// Berkeley (timed) parameters: the ParamSpec list a scenario or the daemon config is checked
// against, and the typed configuration the state machine reads.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "algorithms/core/params.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim::berkeley {

// How the network delta is formed from the measured deltas (master's own 0 included).
enum class AverageRule : std::uint8_t {
  kFaultTolerant,  // 4.3BSD networkdelta.c: largest window of width <= tolerance, truncated mean
  kPlain,          // the textbook mean of everything
  kMedian,         // true median (what the 4.4 rewrite approximates)
};

// How one slave's offset is measured.
enum class MeasurementMethod : std::uint8_t {
  kTimed,     // measure.c: min outbound and min inbound kept separately, delta = (min_out-min_in)/2
  kCristian,  // one exchange per probe, keep the probe with the smallest round trip
};

struct BerkeleyConfig {
  Duration period = Duration::from_ns(240'000'000'000);  // SAMPLEINTVL
  Duration first_round_delay = Duration::zero();         // 4.3: 0; 4.4: 3 s after MASTERUP
  std::int64_t probes = 10;                              // TRIALS
  std::int64_t good_replies = 5;                         // MSGS
  Duration probe_timeout = Duration::from_ns(100'000'000);   // per probe wait
  Duration measure_cap = Duration::from_ns(3'000'000'000);   // per slave total cap (4.4)
  MeasurementMethod measurement = MeasurementMethod::kTimed;
  bool round_trip_compensation = true;
  AverageRule average = AverageRule::kFaultTolerant;
  Duration tolerance = Duration::from_ns(20'000'000);   // RANGE (4.3)
  Duration quantum = Duration::from_ns(5'000'000);      // timed 4.3: corrections in 5 ms steps
  Duration resolution = Duration::from_ns(1'000'000);   // timed 4.3: integer milliseconds
  Duration step_threshold = Duration::from_ns(20'000'000'000);  // MAXADJ
  Duration slave_timeout = Duration::zero();            // 0: three periods
  Duration ack_timeout = Duration::from_ns(200'000'000);  // acksend first wait, doubled per try
  std::int64_t ack_tries = 5;
  bool rate_correction = false;
  std::int64_t rate_window = 8;                         // rounds in the least-squares fit
  double max_rate_correction_ppm = 1000;
  // The master's host table (timed 4.4): a slave that failed this many measurements or
  // corrections is dropped until it announces itself again (LOSTHOST); 0 never drops.
  std::int64_t lost_host_rounds = 3;
  // A correction at least this large goes out as SETTIME, the master's corrected time, instead
  // of an ADJTIME (timed 4.4 correct.c: MAXADJ); 0: never.
  Duration settime_threshold = Duration::from_ns(20'000'000'000);
  // Nodes whose corrections a slave obeys (timed -F/-G); empty: everyone. Another sender's are
  // refused and answered with QUIT.
  std::vector<NodeId> trusted;

  bool trusts(NodeId id) const {
    return trusted.empty() || std::binary_search(trusted.begin(), trusted.end(), id);
  }

  Duration effective_slave_timeout() const {
    return slave_timeout > Duration::zero() ? slave_timeout : period * 3;
  }
};

std::vector<ParamSpec> berkeley_params();
// Reads a ParamSet filled from berkeley_params() (the loader guarantees every name is present).
BerkeleyConfig berkeley_config(const ParamSet& params);

}  // namespace clocksim::berkeley
