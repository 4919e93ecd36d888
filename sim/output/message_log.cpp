#include "sim/output/message_log.hpp"

#include <string>

#include "algorithms/core/layers.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/run_files.hpp"

namespace clocksim::sim {

MessageLog::MessageLog(const scenario::ScenarioSpec& spec, OutputFolder& folder)
    : spec_(spec), file_(folder.create(std::string(run_files::kMessages))), up_changes_(spec.nodes.size()) {}

void MessageLog::on_event(Time t, NodeId node, const Note& note) {
  const EventKind kind = note.kind();
  if (node >= up_changes_.size()) return;
  if (kind == EventKind::kCrash) up_changes_[node].emplace_back(t.ns(), false);
  if (kind == EventKind::kRestart) up_changes_[node].emplace_back(t.ns(), true);
}

void MessageLog::on_message_routed(Time t, NodeId from, NodeId to, const Message& msg, std::optional<Time> arrives_at) {
  rows_.push_back({t.ns(), arrives_at ? arrives_at->ns() : -1, from, to, msg.type, election_of_message(from, to, msg)});
}

bool MessageLog::down_at(NodeId node, std::int64_t t_ns) const {
  bool up = true;
  for (const auto& [when, now_up] : up_changes_[node]) {
    if (when > t_ns) break;
    up = now_up;
  }
  return !up;
}

void MessageLog::commit(Time end) {
  std::string line = "sent_ns,received_ns,from,to,type,layer,fate,election\n";
  for (const Row& r : rows_) {
    append_int(line, r.sent_ns);
    line.push_back(',');
    const char* fate = "lost";
    if (r.arrives_ns >= 0) {
      if (r.arrives_ns > end.ns()) {
        fate = "in_flight";
      } else if (down_at(r.to, r.arrives_ns)) {
        fate = "to_down_node";
      } else {
        fate = "delivered";
        append_int(line, r.arrives_ns);
      }
    }
    line.push_back(',');
    line.append(spec_.nodes[r.from].name);
    line.push_back(',');
    line.append(spec_.nodes[r.to].name);
    line.push_back(',');
    const auto raw = static_cast<std::uint8_t>(r.type);
    line.append(is_known_msg_type(raw) ? std::string(msg_type_name(r.type)) : "TYPE_" + std::to_string(raw));
    line.append(is_election_message(r.type) ? ",election," : ",sync,");
    line.append(fate);
    line.push_back(',');
    if (r.election) {
      const NodeId who = r.election->initiator;
      line.append(election_id_text(*r.election, who < spec_.nodes.size() ? spec_.nodes[who].name : "n" + std::to_string(who)));
    }
    line.push_back('\n');
    if (line.size() > (1 << 16)) {
      file_->write(line);
      line.clear();
    }
  }
  file_->write(line);
  file_->commit();
}

}  // namespace clocksim::sim
