// How a sweep names a run's folder: the matrix values, readable in a shell and a file manager,
// and always usable as one file name. Every way of running a sweep (threads, shards, MPI,
// --merge, the Python module) takes its folders from plan_sweep, which names them here.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace clocksim::sweep {

// The longest folder name made. File systems refuse names over 255 bytes (NAME_MAX); this leaves
// room for the suffixes added later: "~" and a tag when two runs' names come out alike, and
// ".partial" while the run is in progress.
inline constexpr std::size_t kMaxRunFolderBytes = 200;
// A value longer than this, in a name over kMaxRunFolderBytes, is cut to make room.
inline constexpr std::size_t kMaxShortenedValueBytes = 32;

// Letters, digits and ". - + _" kept; anything else becomes '_' (and an empty text "_").
std::string sanitize_for_folder(const std::string& text);

// Eight hex digits of FNV-1a: a stable, platform-independent tag for a text.
std::string stable_tag(const std::string& text);

// "name=value,name=value[,seed=N]" from the parameters' short names and the values as written.
// A name that would be longer than kMaxRunFolderBytes is shortened: first every value longer
// than kMaxShortenedValueBytes keeps its start and ends in "~" and the tag of the whole value;
// if the name is still too long, it is cut and ends in "~" and the tag of the uncut name.
std::string run_folder_name(const std::vector<std::string>& names, const std::vector<std::string>& values,
                            const std::string& seed_text);

}  // namespace clocksim::sweep
