// How often the UDP status socket answers, per source address and over all. A UDP request's
// source address can be forged, so one limit for everyone let a flood (forged or not) use up the
// budget and starve the operator. Each source address (port left out: a client picks a new port
// per request) has a budget of its own, and a cap over all of them bounds the daemon's work
// whatever the number of sources. A request over its source's budget does not touch the cap, so
// one flooding source takes nothing from the others; a flood from many addresses can still use up
// the cap, which is what keeps it from costing the node more.
//
// Sources are kept in a table of kSources slots: a new source takes a free slot or the one seen
// longest ago, so a flood from many addresses cannot grow memory. A source that loses its slot
// starts again with a full budget; the cap over all still holds.
//
// Each budget is a generic cell rate algorithm (ATM's GCRA, the token bucket in one number) on
// integer nanoseconds: `rate` requests a second, `rate` of them at once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "daemon/loop/endpoint.hpp"

namespace clocksim::daemon {

class StatusRateLimit {
 public:
  static constexpr std::size_t kSources = 64;
  enum class Verdict : std::uint8_t { kAnswer, kSourceOverRate, kOverallOverRate };

  // Requests per second (and at once) for each source and for all together; each at least 1.
  StatusRateLimit(std::int64_t per_source_per_s, std::int64_t overall_per_s);

  // Whether a request from `from` at monotonic time `now_ns` is answered; an answered one is
  // charged to its source's budget and to the cap over all.
  Verdict judge(const SocketAddress& from, std::int64_t now_ns);

  // Sources in the table (at most kSources).
  std::size_t sources() const;

 private:
  // One budget: the instant at which it would be full again (the GCRA's theoretical arrival time).
  struct Budget {
    std::int64_t full_at_ns = 0;
    bool admits(std::int64_t now_ns, std::int64_t interval_ns, std::int64_t burst) const;
    void charge(std::int64_t now_ns, std::int64_t interval_ns);
  };
  struct Source {
    SocketAddress address;  // port 0, IPv4 unmapped
    Budget budget;
    std::int64_t last_seen_ns = 0;
    bool used = false;
  };
  Source& source_of(const SocketAddress& address, std::int64_t now_ns);

  std::int64_t source_interval_ns_;
  std::int64_t source_burst_;
  std::int64_t overall_interval_ns_;
  std::int64_t overall_burst_;
  Budget overall_;
  std::array<Source, kSources> sources_{};
};

}  // namespace clocksim::daemon
