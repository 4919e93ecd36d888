#include "sim/sweep/sweep_record.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "algorithms/core/c_locale_stream.hpp"
#include "sim/sweep/run_folder_name.hpp"
#include "sim/version/code_identity.hpp"

namespace clocksim::sweep {

namespace fs = std::filesystem;

namespace {

constexpr const char* kRecordFile = ".sweep-plan";
constexpr const char* kVersionLine = "clocksim sweep plan 2";

std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescaped(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      const char next = text[++i];
      out += next == 't' ? '\t' : next == 'n' ? '\n' : next;
    } else {
      out += text[i];
    }
  }
  return out;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// "a=1 b=2" from a run line "folder\ta=1\tb=2".
std::string overrides_shown(const std::string& line) {
  const auto tab = line.find('\t');
  std::string shown = tab == std::string::npos ? "" : line.substr(tab + 1);
  for (char& c : shown) {
    if (c == '\t') c = ' ';
  }
  return shown.empty() ? "no overrides" : shown;
}

// A record's lines apart: the build's, the base's and the input files' lines, then one line per run.
struct RecordParts {
  std::string code;
  std::string base;
  std::vector<std::string> files;
  std::vector<std::string> runs;
};

RecordParts parts_of(const std::vector<std::string>& lines) {
  RecordParts parts;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    if (i == 1 && lines[i].starts_with("code ")) {
      parts.code = lines[i];
    } else if (i <= 2 && parts.runs.empty() && parts.files.empty() && lines[i].starts_with("base ")) {
      parts.base = lines[i];
    } else if (parts.runs.empty() && lines[i].starts_with("file ")) {
      parts.files.push_back(lines[i]);
    } else {
      parts.runs.push_back(lines[i]);
    }
  }
  return parts;
}

// "net.dot" from "file 120 0a1b2c3d net.dot".
std::string file_named(const std::string& line) {
  std::size_t at = 0;
  for (int field = 0; field < 3 && at != std::string::npos; ++field) at = line.find(' ', at + 1);
  return at == std::string::npos ? line : unescaped(line.substr(at + 1));
}

// "0.1.0, code 3f2a9c1b2d3e4f50" from "code 0.1.0 3f2a9c1b2d3e4f50".
std::string build_named(const std::string& line) {
  const std::string rest = line.size() > 5 ? line.substr(5) : "";
  const auto space = rest.find(' ');
  if (space == std::string::npos) return "code " + rest;
  return rest.substr(0, space) + ", code " + rest.substr(space + 1);
}

std::string first_file_difference(const std::vector<std::string>& was, const std::vector<std::string>& now) {
  for (std::size_t i = 0; i < std::max(was.size(), now.size()); ++i) {
    if (i < was.size() && i < now.size() && was[i] == now[i]) continue;
    if (i >= was.size()) return "its runs did not read " + file_named(now[i]) + ", this sweep's do";
    if (i >= now.size()) return "its runs read " + file_named(was[i]) + ", this sweep's do not";
    if (file_named(was[i]) == file_named(now[i])) return file_named(now[i]) + " has changed since its runs were planned";
    return "its runs read " + file_named(was[i]) + ", this sweep's " + file_named(now[i]);
  }
  return {};
}

std::string first_difference(const std::string& recorded, const std::string& planned) {
  const std::vector<std::string> was_lines = lines_of(recorded);
  if (was_lines.empty() || was_lines[0] != kVersionLine) return "its record was written by another version of clocksim";
  const RecordParts was = parts_of(was_lines);
  const RecordParts now = parts_of(lines_of(planned));
  if (was.code != now.code) {
    return "its runs were made by another build of clocksim (" + build_named(was.code) + "; this is " +
           build_named(now.code) + "), which may write other bytes: resume it with that build";
  }
  if (was.base != now.base) return "the base scenario's text has changed since its runs were planned";
  if (std::string files = first_file_difference(was.files, now.files); !files.empty()) return files;
  if (was.runs.size() != now.runs.size()) {
    return "it was planned with " + std::to_string(was.runs.size()) + " runs, this sweep has " +
           std::to_string(now.runs.size());
  }
  for (std::size_t i = 0; i < now.runs.size(); ++i) {
    if (was.runs[i] == now.runs[i]) continue;
    const std::string was_folder = was.runs[i].substr(0, was.runs[i].find('\t'));
    const std::string folder = now.runs[i].substr(0, now.runs[i].find('\t'));
    if (was_folder != folder) return "its run " + std::to_string(i + 1) + " is " + was_folder + ", this sweep's " + folder;
    return "its run " + folder + " was planned with " + overrides_shown(was.runs[i]) + ", this sweep's with " +
           overrides_shown(now.runs[i]);
  }
  return "its record differs";
}

// Whether any run of a recorded plan has finished: its folder holds summary.json, written last.
bool any_run_done(const std::string& out_dir, const std::string& recorded) {
  const std::vector<std::string> lines = lines_of(recorded);
  if (lines.empty() || lines[0] != kVersionLine) {
    // A record this version cannot read: any finished run folder counts.
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(out_dir, error)) {
      if (entry.is_directory() && fs::exists(entry.path() / "summary.json")) return true;
    }
    return false;
  }
  for (const std::string& line : parts_of(lines).runs) {
    const std::string folder = unescaped(line.substr(0, line.find('\t')));
    if (folder.empty() || folder.find('/') != std::string::npos || folder == "..") continue;
    if (fs::exists(fs::path(out_dir) / folder / "summary.json")) return true;
  }
  return false;
}

// The record written whole under a name of this process's, to be put in place in one step.
fs::path written_aside(const std::string& out_dir, const std::string& record) {
  const fs::path temp = fs::path(out_dir) / (std::string(kRecordFile) + ".tmp-" + std::to_string(::getpid()));
  std::ofstream out(temp, std::ios::binary | std::ios::trunc);
  out << record;
  out.flush();
  if (!out) throw SweepFolderError("cannot write " + temp.string() + ": " + std::strerror(errno));
  return temp;
}

}  // namespace

std::string plan_record(const SweepSpec& spec, const std::vector<PlannedRun>& runs) {
  CLocaleStream out;
  out << kVersionLine << '\n';
  // The build: another one may draw, round or decide differently, so its runs are not these.
  out << "code " << sim::release_version() << ' ' << sim::code_identity() << '\n';
  const std::string base = read_all(spec.base_scenario);
  out << "base " << base.size() << ' ' << stable_tag(base) << '\n';
  const fs::path base_dir = fs::path(spec.base_scenario).parent_path();
  for (const std::string& file : spec.input_files) {
    const std::string text = read_all(file);
    // Named as from the base scenario, as the scenario names it: the same files read from
    // another working directory make the same record.
    const fs::path relative = fs::path(file).lexically_relative(base_dir);
    out << "file " << text.size() << ' ' << stable_tag(text) << ' '
        << escaped(relative.empty() ? file : relative.generic_string()) << '\n';
  }
  for (const PlannedRun& run : runs) {
    out << escaped(run.folder);
    for (const std::string& o : run.overrides) out << '\t' << escaped(o);
    out << '\n';
  }
  return out.str();
}

void check_plan_record(const std::string& out_dir, const std::string& record) {
  const fs::path path = fs::path(out_dir) / kRecordFile;
  if (!fs::exists(path)) {
    // Written whole under another name, then linked into place: link() fails if a racing shard
    // put its record there first, and then that record is the one compared below.
    const fs::path temp = written_aside(out_dir, record);
    const int linked = ::link(temp.c_str(), path.c_str());
    const int link_errno = errno;
    std::error_code error;
    if (linked != 0 && link_errno != EEXIST) {
      // A file system without hard links (some network and FUSE mounts): renamed into place
      // instead, where two shards racing may both write it (the same bytes, if of one sweep).
      fs::rename(temp, path, error);
      if (!error) return;
      fs::remove(temp, error);
      throw SweepFolderError("cannot write " + path.string() + ": " + std::strerror(link_errno));
    }
    fs::remove(temp, error);
    if (linked == 0) return;
  }
  const std::string recorded = read_all(path.string());
  if (recorded == record) return;
  if (!any_run_done(out_dir, recorded)) {
    // Nothing of the other plan finished (it was stopped before its first run ended): there is
    // nothing to mix, and this sweep's plan takes the folder.
    const fs::path temp = written_aside(out_dir, record);
    std::error_code error;
    fs::rename(temp, path, error);
    if (error) throw SweepFolderError("cannot write " + path.string() + ": " + error.message());
    return;
  }
  throw SweepPlanMismatch(out_dir + " holds runs of another sweep: " +
                          first_difference(recorded, record) + ". Give this sweep a new --out folder (or, "
                          "to keep those runs anyway, delete " + path.string() + ")");
}

}  // namespace clocksim::sweep
