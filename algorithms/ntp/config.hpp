// NTP's scenario/daemon parameters and the per-node host setup (servers, reference clock).
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "algorithms/core/params.hpp"
#include "algorithms/core/time.hpp"

namespace clocksim::ntp {

struct NtpConfig {
  std::int64_t minpoll = 6;    // poll exponent: 2^minpoll s (RFC 5905 MINPOLL is 4, ntpd's default 6)
  std::int64_t maxpoll = 10;
  bool iburst = true;          // a burst of 8 requests 2 s apart while a server is unreachable
  Duration step_threshold = Duration::from_ns(125'000'000);  // STEPT
  Duration stepout = Duration::from_ns(900'000'000'000);     // WATCH
  std::int64_t local_stratum = 10;  // a node with neither servers nor reference clock serves its own
                                    // clock at this stratum (chrony's `local stratum`); 0: it does not
  Duration reference_dispersion = Duration::from_ns(1'000);  // a reference reading's stated error
  // The clock is updated only while at least this many servers are truechimers (ntpd's `tos
  // minsane`, chrony's `minsources`); a node with fewer associations needs all of them.
  std::int64_t minsane = 1;
  // Before the first clock update, once one server is selectable, how long to wait for the others
  // to become selectable too, so that a lone falseticker that answers first is outvoted rather
  // than followed. Zero: update on the first selectable server.
  Duration startup_wait = Duration::from_ns(16'000'000'000);
};

std::vector<ParamSpec> ntp_params();
NtpConfig ntp_config(const ParamSet& params);

// What the host tells a node about its place in the hierarchy: the servers it polls and whether it
// has a reference clock (then it is a stratum-1 server).
struct NtpHost {
  std::vector<NodeId> servers;
  bool reference_clock = false;
};

}  // namespace clocksim::ntp
