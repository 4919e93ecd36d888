#include "node/loop/log.hpp"

#include <string>

namespace clocksim::node {

void Logger::write(std::string_view event, nlohmann::json fields) {
  if (out_ == nullptr) return;
  nlohmann::json line = nlohmann::json::object();
  line["event"] = event;
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
