#include "sim/output/event_row.hpp"

#include "sim/output/atomic_file.hpp"

namespace clocksim::sim {

namespace {

void append_node(std::string& line, NodeId id, const NodeNames& names) {
  if (id != kNoNode) append_csv_field(line, names(id));
}

template <class T>
void append_optional(std::string& line, const std::optional<T>& v) {
  if (v) append_int(line, static_cast<std::int64_t>(*v));
}

// "n0 n1|n2 n3": groups separated by '|', names by spaces.
void append_groups(std::string& line, const Note& note, const NodeNames& names) {
  std::string field;
  for (std::size_t g = 0; g < note.groups.size(); ++g) {
    if (g) field.push_back('|');
    for (std::size_t i = 0; i < note.groups[g].size(); ++i) {
      if (i) field.push_back(' ');
      field += names(note.groups[g][i]);
    }
  }
  append_csv_field(line, field);
}

}  // namespace

std::string_view events_csv_header() {
  return "t_ns,node,kind,what,why,subject,peer,election,round,seq,message,value_ns,rtt_ns,error_ns,count,total,"
         "nodes,detail\n";
}

void append_event_row(std::string& line, Time t, NodeId node, const Note& note, const NodeNames& names,
                      std::string_view detail) {
  append_int(line, t.ns());
  line.push_back(',');
  append_node(line, node, names);
  line.push_back(',');
  line.append(event_kind_name(note.kind()));
  line.push_back(',');
  line.append(note_what_name(note.what));
  line.push_back(',');
  line.append(note_why_name(note.why));
  line.push_back(',');
  append_node(line, note.subject, names);
  line.push_back(',');
  append_node(line, note.peer, names);
  line.push_back(',');
  if (note.election) append_csv_field(line, election_id_text(*note.election, names(note.election->initiator)));
  line.push_back(',');
  append_optional(line, note.round);
  line.push_back(',');
  append_optional(line, note.seq);
  line.push_back(',');
  if (note.message != MsgType::kNone) line.append(msg_type_name(note.message));
  line.push_back(',');
  append_optional(line, note.value_ns);
  line.push_back(',');
  append_optional(line, note.rtt_ns);
  line.push_back(',');
  append_optional(line, note.error_ns);
  line.push_back(',');
  append_optional(line, note.count);
  line.push_back(',');
  append_optional(line, note.total);
  line.push_back(',');
  append_groups(line, note, names);
  line.push_back(',');
  append_csv_field(line, detail);
  line.push_back('\n');
}

}  // namespace clocksim::sim
