#include "node/loop/log.hpp"

#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

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
  if (unwritten_held_ != 0) line["unwritten"] = unwritten_held_;
  for (auto& [k, v] : fields.items()) line[k] = v;
  // Log lines may quote peer-controlled text: json_text replaces invalid UTF-8 rather than throw.
  if (emit(json_text(line) + '\n')) {
    unwritten_held_ = 0;
  } else {
    ++unwritten_total_;
    ++unwritten_held_;
  }
}

bool Logger::emit(const std::string& text) {
  const int fd = ::fileno(out_);
  if (fd < 0) {  // a stream without a descriptor (a memory stream) never blocks
    std::fputs(text.c_str(), out_);
    return std::fflush(out_) == 0;
  }
  std::fflush(out_);  // whatever the stream still holds goes first
  pollfd ready{fd, POLLOUT, 0};
  int polled = 0;
  do {
    polled = ::poll(&ready, 1, 0);
  } while (polled < 0 && errno == EINTR);
  if (polled != 1 || (ready.revents & POLLOUT) == 0 || (ready.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) {
    return false;
  }
  // A pipe that polls writable has a free buffer page, and a write of up to PIPE_BUF bytes goes
  // into it whole; a longer line may wait for the reader to take some of it.
  for (std::size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return true;
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
