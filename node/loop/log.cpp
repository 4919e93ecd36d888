#include "node/loop/log.hpp"

#include <time.h>

#include <string>

#include "algorithms/core/note_text.hpp"
#include "node/loop/json_text.hpp"

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
  // Log lines may quote peer-controlled text: json_text replaces invalid UTF-8 rather than throw.
  const std::string text = json_text(line);
  std::fprintf(out_, "%s\n", text.c_str());
  std::fflush(out_);
}

nlohmann::json note_fields(const Note& note) {
  nlohmann::json j = {{"kind", event_kind_name(note.kind())},
                      {"what", note_what_name(note.what)},
                      {"text", note_text(note, NodeNames())}};
  if (note.why != NoteWhy::kNone) j["why"] = note_why_name(note.why);
  if (note.subject != kNoNode) j["subject"] = note.subject;
  if (note.peer != kNoNode) j["peer"] = note.peer;
  if (note.election) j["election"] = {{"initiator", note.election->initiator}, {"number", note.election->number}};
  if (note.round) j["round"] = *note.round;
  if (note.seq) j["seq"] = *note.seq;
  if (note.message != MsgType::kNone) j["message"] = msg_type_name(note.message);
  if (note.value_ns) j["value_ns"] = *note.value_ns;
  if (note.rtt_ns) j["rtt_ns"] = *note.rtt_ns;
  if (note.error_ns) j["error_ns"] = *note.error_ns;
  if (note.count) j["count"] = *note.count;
  if (note.total) j["total"] = *note.total;
  if (!note.groups.empty()) j["groups"] = note.groups;
  return j;
}

}  // namespace clocksim::node
