// The clock-sync star as a bare event workload, the shape of Cristian's algorithm with one probe:
// N clients and a time server (node 0). Every client, once per period (a second unless set) of
// its own phase, sends a request; it reaches the server after a one-way latency, the server
// answers at once, and the reply reaches the client after another latency; the client then
// computes its offset estimate (its clock runs at 1 + drift) and waits for its next period. Three
// events per client per period: the client's timer, the request's arrival, the reply's arrival.
//
// Written once against a two-call scheduler interface (as bench/phold.hpp) so the bare loop and
// every ns-3 scheduler draw the same numbers in the same order and hash the same event sequence:
//   void schedule(std::int64_t at_ns, StarEvent e);
//   bool next(std::int64_t& at_ns, StarEvent& e);
#pragma once

#include <boost/random/uniform_int_distribution.hpp>
#include <cstdint>

#include "algorithms/core/rng.hpp"

namespace clocksim::bench {

enum class StarKind : std::uint8_t { kTimer, kRequestAtServer, kReplyAtClient };

struct StarEvent {
  std::uint32_t client = 0;
  StarKind kind = StarKind::kTimer;
  std::int64_t sent_ns = 0;    // the request's send time, carried to the reply
  std::int64_t server_ns = 0;  // the server's reading, carried in the reply
};

struct StarConfig {
  std::uint32_t clients = 10'000;
  std::int64_t duration_ns = 3'600'000'000'000;
  std::int64_t period_ns = 1'000'000'000;  // between a client's requests
  std::uint64_t seed = 1;
};

struct StarResult {
  std::uint64_t events = 0;
  std::uint64_t exchanges = 0;
  std::uint64_t checksum = 0;
  std::int64_t offset_sum_ns = 0;  // keeps the estimate from being optimised away
};

// Latency uniform in [1 ms, 3 ms] and phases uniform in [0, period), from one named stream.
class StarDraws {
 public:
  StarDraws(std::uint64_t seed, std::int64_t period_ns)
      : rng_(derive_seed(seed, "star")), latency_ns_(1'000'000, 3'000'000), phase_ns_(0, period_ns - 1) {}
  std::int64_t latency_ns() { return latency_ns_(rng_); }
  std::int64_t phase_ns() { return phase_ns_(rng_); }

 private:
  Rng rng_;
  boost::random::uniform_int_distribution<std::int64_t> latency_ns_;
  boost::random::uniform_int_distribution<std::int64_t> phase_ns_;
};

// What a client does with an event, and what it schedules next. Shared by every variant.
class StarWorkload {
 public:
  explicit StarWorkload(const StarConfig& cfg) : cfg_(cfg), draws_(cfg.seed, cfg.period_ns) {}

  template <class Schedule>
  void start(Schedule&& schedule) {
    for (std::uint32_t c = 1; c <= cfg_.clients; ++c) schedule(draws_.phase_ns(), StarEvent{c, StarKind::kTimer, 0, 0});
  }

  template <class Schedule>
  void handle(std::int64_t now_ns, const StarEvent& e, Schedule&& schedule) {
    ++r_.events;
    r_.checksum = mix64(r_.checksum ^ static_cast<std::uint64_t>(now_ns) ^ (std::uint64_t{e.client} << 40) ^
                        (std::uint64_t(e.kind) << 62));
    switch (e.kind) {
      case StarKind::kTimer:
        schedule(now_ns + draws_.latency_ns(), StarEvent{e.client, StarKind::kRequestAtServer, local_ns(e.client, now_ns), 0});
        if (now_ns + cfg_.period_ns < cfg_.duration_ns) schedule(now_ns + cfg_.period_ns, StarEvent{e.client, StarKind::kTimer, 0, 0});
        break;
      case StarKind::kRequestAtServer:
        schedule(now_ns + draws_.latency_ns(), StarEvent{e.client, StarKind::kReplyAtClient, e.sent_ns, now_ns});
        break;
      case StarKind::kReplyAtClient: {
        const std::int64_t received_ns = local_ns(e.client, now_ns);
        r_.offset_sum_ns += e.server_ns - (e.sent_ns + received_ns) / 2;  // Cristian's estimate
        ++r_.exchanges;
        break;
      }
    }
  }

  const StarResult& result() const { return r_; }

 private:
  // Client c's clock drifts by (c mod 101) - 50 ppm.
  static std::int64_t local_ns(std::uint32_t c, std::int64_t true_ns) {
    return true_ns + true_ns / 1'000'000 * (static_cast<std::int64_t>(c % 101) - 50);
  }

  StarConfig cfg_;
  StarDraws draws_;
  StarResult r_;
};

}  // namespace clocksim::bench
