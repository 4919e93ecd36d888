#include "sim/output/logical_csv.hpp"

#include "sim/output/atomic_file.hpp"
#include "sim/output/run_files.hpp"

namespace clocksim::sim {

namespace {
const char* kind_name(LogicalEvent::Kind k) {
  switch (k) {
    case LogicalEvent::Kind::kLocal: return "local";
    case LogicalEvent::Kind::kSend: return "send";
    case LogicalEvent::Kind::kReceive: return "receive";
  }
  return "?";
}
}  // namespace

void write_logical_csv(const scenario::ScenarioSpec& spec, const CausalityRecorder& causality,
                       OutputFolder& folder) {
  const std::unique_ptr<OutputFile> file = folder.create(std::string(run_files::kLogical));
  OutputFile& f = *file;
  f.write("event,t_ns,node,kind,peer,message_id,cause,lamport,vector\n");
  std::string line;
  const auto& events = causality.events();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const RecordedEvent& r = events[i];
    line.clear();
    append_int(line, static_cast<std::int64_t>(i));
    line += ',';
    append_int(line, r.t.ns());
    line += ',';
    append_csv_field(line, spec.nodes[r.node].name);
    line += ',';
    line += kind_name(r.event.kind);
    line += ',';
    if (r.event.peer != kNoNode && r.event.peer < spec.nodes.size()) append_csv_field(line, spec.nodes[r.event.peer].name);
    line += ',';
    if (r.event.kind != LogicalEvent::Kind::kLocal) append_int(line, r.event.message_id);
    line += ',';
    if (r.cause >= 0) append_int(line, r.cause);
    line += ',';
    append_int(line, static_cast<std::int64_t>(r.event.lamport));
    line += ',';
    for (std::size_t k = 0; k < r.event.vector.size(); ++k) {
      if (k) line += ' ';
      append_int(line, static_cast<std::int64_t>(r.event.vector[k]));
    }
    line += '\n';
    f.write(line);
  }
  f.commit();
}

}  // namespace clocksim::sim
