// Copyright (c) the Ferry authors.

#include "server/served_projects.h"

#include "common/json_builder.h"

namespace ferry::server {

namespace {

using internal::JsonBuilder;

void VersionsJson(const Project& p, JsonBuilder& j) {
  j.Key("versions").BeginArray();
  for (const VersionInfo& v : p.versions()) {
    j.Begin().Key("name").Str(v.name).Key("schema_file").Str(v.schema_file);
    j.Key("detector").Str(v.detector).Key("line").Num(v.line).Key("path").BeginArray();
    for (size_t i : p.PathFrom(v.name)) j.Str(p.migrations()[i].id);
    j.EndArray().End();
  }
  j.EndArray();
}

void MigrationsJson(const Project& p, JsonBuilder& j) {
  j.Key("migrations").BeginArray();
  for (const MigrationInfo& m : p.migrations()) {
    j.Begin().Key("id").Str(m.id).Key("from").Str(m.from).Key("to").Str(m.to);
    j.Key("critical").Bool(m.critical).Key("lossy").Bool(m.lossy).Key("skip_on_failure").Bool(m.skip_on_failure);
    j.Key("depends_on").Strings(m.depends_on).Key("steps").BeginArray();
    for (size_t i = 0; i < m.step_kinds.size(); ++i) {
      j.Begin().Key("kind").Str(m.step_kinds[i]).Key("lossy").Bool(i < m.step_lossy.size() && m.step_lossy[i]).End();
    }
    j.EndArray().Key("checksum").Str(m.checksum);
    j.Key("line").Num(m.line).End();
  }
  j.EndArray();
}

void GraphJson(const Project& p, JsonBuilder& j) {
  j.Key("graph").Begin().Key("nodes").BeginArray();
  for (const VersionInfo& v : p.versions()) j.Str(v.name);
  j.EndArray().Key("edges").BeginArray();
  for (const MigrationInfo& m : p.migrations()) {
    j.Begin().Key("from").Str(m.from).Key("to").Str(m.to).Key("migration").Str(m.id).End();
  }
  j.EndArray().End();
}

void SummaryJson(const ServedProject& s, JsonBuilder& j) {
  const Project& p = *s.project;
  j.Key("name").Str(p.name()).Key("collection").Str(p.collection()).Key("dir").Str(s.dir);
  j.Key("file").Str(p.file()).Key("target").Str(p.target()).Key("key").Str(p.key());
}

}  // namespace

Result<ServedProjects> ServedProjects::Load(const std::vector<std::string>& paths) {
  ServedProjects out;
  for (const std::string& path : paths) {
    FERRY_ASSIGN_OR_RETURN(std::unique_ptr<Project> p, Project::Load(path));
    const std::string name = p->name();
    if (out.by_name_.count(name) != 0) {
      return Status::InvalidArgument("two served projects are named '" + name + "' (" + out.by_name_[name].dir +
                                     " and " + path + "); give one a `name:` in its ferry.yaml");
    }
    out.by_name_[name] = ServedProject{path, std::shared_ptr<const Project>(std::move(p))};
  }
  return out;
}

Result<ServedProject> ServedProjects::Find(const std::string& name) const {
  auto it = by_name_.find(name);
  if (it != by_name_.end()) return it->second;
  std::string names;
  for (const auto& [n, _] : by_name_) names += (names.empty() ? "" : ", ") + n;
  return Status::NotFound("no served project is named '" + name + "'; served: " + (names.empty() ? "none" : names));
}

std::vector<ServedProject> ServedProjects::All() const {
  std::vector<ServedProject> out;
  for (const auto& [_, s] : by_name_) out.push_back(s);
  return out;
}

std::string ServedProjects::ListJson() const {
  JsonBuilder j;
  j.BeginArray();
  for (const auto& [_, s] : by_name_) {
    j.Begin();
    SummaryJson(s, j);
    j.Key("versions").BeginArray();
    for (const VersionInfo& v : s.project->versions()) j.Str(v.name);
    j.EndArray().Key("migrations").Num(s.project->migrations().size()).End();
  }
  return j.EndArray().Take();
}

std::string ServedProjects::DescribeJson(const ServedProject& served) const {
  JsonBuilder j;
  j.Begin();
  SummaryJson(served, j);
  VersionsJson(*served.project, j);
  MigrationsJson(*served.project, j);
  GraphJson(*served.project, j);
  return j.End().Take();
}

}  // namespace ferry::server
