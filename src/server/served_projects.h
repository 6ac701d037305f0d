// Copyright (c) the Ferry authors.
//
// The projects `ferry serve` serves, by name (ferry.yaml's `name`, default
// its collection), loaded once when the server starts.

#ifndef FERRY_SERVER_SERVED_PROJECTS_H_
#define FERRY_SERVER_SERVED_PROJECTS_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ferry/project.h"
#include "ferry/result.h"

namespace ferry::server {

struct ServedProject {
  std::string dir;  // as given on the command line
  std::shared_ptr<const Project> project;
};

class ServedProjects {
 public:
  // Loads every path (a ferry.yaml or a directory holding one). The first
  // load error; INVALID_ARGUMENT when two projects have the same name.
  static Result<ServedProjects> Load(const std::vector<std::string>& paths);

  // NOT_FOUND naming the served projects for an unknown name.
  Result<ServedProject> Find(const std::string& name) const;
  // Every served project, by name.
  std::vector<ServedProject> All() const;
  // [{name, dir, file, collection, key, target, versions (names),
  // migrations (how many)}], by name
  std::string ListJson() const;
  // One project: name, dir, file, collection, key, target, versions
  // [{name, schema_file, detector, line, path: the migration ids leading to
  // the target}], migrations [{id, from, to, depends_on, critical,
  // skip_on_failure, lossy, steps [{kind, lossy}], checksum, line}], graph
  // {nodes, edges [{from, to, migration}]}.
  std::string DescribeJson(const ServedProject& served) const;

 private:
  std::map<std::string, ServedProject> by_name_;
};

}  // namespace ferry::server

#endif  // FERRY_SERVER_SERVED_PROJECTS_H_
