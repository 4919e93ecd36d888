#include "daemon/loop/status_rate_limit.hpp"

#include <algorithm>

namespace clocksim::daemon {

namespace {
constexpr std::int64_t kSecondNs = 1'000'000'000;
}  // namespace

StatusRateLimit::StatusRateLimit(std::int64_t per_source_per_s, std::int64_t overall_per_s)
    : source_interval_ns_(kSecondNs / std::clamp<std::int64_t>(per_source_per_s, 1, kSecondNs)),
      source_burst_(std::clamp<std::int64_t>(per_source_per_s, 1, kSecondNs)),
      overall_interval_ns_(kSecondNs / std::clamp<std::int64_t>(overall_per_s, 1, kSecondNs)),
      overall_burst_(std::clamp<std::int64_t>(overall_per_s, 1, kSecondNs)) {}

// Full at `full_at_ns`; each answer moves that one interval later, and a budget more than
// burst − 1 intervals from full has none left. Saturating: monotonic time is far from int64's end.
bool StatusRateLimit::Budget::admits(std::int64_t now_ns, std::int64_t interval_ns, std::int64_t burst) const {
  return full_at_ns - now_ns <= (burst - 1) * interval_ns;
}

void StatusRateLimit::Budget::charge(std::int64_t now_ns, std::int64_t interval_ns) {
  full_at_ns = std::max(full_at_ns, now_ns) + interval_ns;
}

// Slots fill in order and are never emptied, so the first free one ends the sources there are.
StatusRateLimit::Source& StatusRateLimit::source_of(const SocketAddress& address, std::int64_t now_ns) {
  Source* oldest = &sources_[0];
  for (Source& s : sources_) {
    if (s.used && s.address == address) return s;
    if (!s.used) {
      oldest = &s;
      break;
    }
    if (s.last_seen_ns < oldest->last_seen_ns) oldest = &s;
  }
  // A new source (or one that lost its slot) starts with a full budget.
  *oldest = Source{address, Budget{now_ns}, now_ns, true};
  return *oldest;
}

StatusRateLimit::Verdict StatusRateLimit::judge(const SocketAddress& from, std::int64_t now_ns) {
  // Per address: a client's port changes with every socket it opens, and v4 arrives mapped on a
  // dual-stack socket.
  SocketAddress address = from.unmapped();
  address.set_port(0);
  Source& s = source_of(address, now_ns);
  s.last_seen_ns = now_ns;
  if (!s.budget.admits(now_ns, source_interval_ns_, source_burst_)) return Verdict::kSourceOverRate;
  if (!overall_.admits(now_ns, overall_interval_ns_, overall_burst_)) return Verdict::kOverallOverRate;
  s.budget.charge(now_ns, source_interval_ns_);
  overall_.charge(now_ns, overall_interval_ns_);
  return Verdict::kAnswer;
}

std::size_t StatusRateLimit::sources() const {
  return static_cast<std::size_t>(std::count_if(sources_.begin(), sources_.end(), [](const Source& s) { return s.used; }));
}

}  // namespace clocksim::daemon
