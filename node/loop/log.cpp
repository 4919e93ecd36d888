#include "node/loop/log.hpp"

#include <time.h>

#include <string>

namespace clocksim::node {

namespace {
std::int64_t monotonic_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
}  // namespace

void Logger::write(std::string_view event, nlohmann::json fields) {
  if (out_ == nullptr) return;
  const bool always = event == "start" || event == "stop" || event == "signal";
  if (!always && !limit_.allow(monotonic_ns())) {
    ++suppressed_total_;
    return;
  }
  nlohmann::json line = nlohmann::json::object();
  line["event"] = event;
  if (const std::uint64_t held = limit_.take_suppressed()) line["suppressed"] = held;
  for (auto& [k, v] : fields.items()) line[k] = v;
  // Replace invalid UTF-8 rather than throw: log lines may quote peer-controlled text.
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
}

std::string_view note_kind_name(NoteKind k) {
  switch (k) {
    case NoteKind::kInfo: return "info";
    case NoteKind::kMasterSilent: return "master_silent";
    case NoteKind::kElectionStarted: return "election_started";
    case NoteKind::kBecameMaster: return "became_master";
    case NoteKind::kBecameSlave: return "became_slave";
    case NoteKind::kConflict: return "conflict";
    case NoteKind::kRoundComplete: return "round_complete";
    case NoteKind::kOutlier: return "outlier";
    case NoteKind::kLateReply: return "late_reply";
    case NoteKind::kPeerUnreachable: return "peer_unreachable";
  }
  return "?";
}

}  // namespace clocksim::node
