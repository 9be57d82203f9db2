// Package reqfile keeps requirements as files in a repository: a folder of
// Markdown files, one per requirement, reviewed in pull requests like code.
// It reads and writes them; it imports only the requirement package and
// the root, so linting a folder needs no server.
//
// # The format
//
// A file starts with YAML front matter, then the sections of a structured
// requirement as level-2 headings, in English or Chinese:
//
//	---
//	key: REQ-3            # absent in a new file: push creates the requirement and writes the key back
//	title: Cancel an unpaid order
//	priority: P1          # P0–P3
//	owner: alice
//	status: draft         # read only: the server's lifecycle decides it
//	labels: [orders, mobile]
//	links: [contract/orders, requirement/REQ-1]   # kind/id
//	revision: 3           # the server's revision the file was pulled at (If-Match on push)
//	---
//
//	## Background                  (## 背景)
//	free text
//	## Goal                        (## 目标)
//	## KPIs                        (## 业务指标): a list, "- one KPI" a line
//	## Description                 (## 需求描述, ## 描述)
//	## User flow                   (## 业务流程, ## 用户流程): | Actor | Action | Diagram |
//	## Scenarios                   (## 用户场景, ## 场景): | Name | Actor | Situation | Action | Outcome |
//	## Exceptions                  (## 异常处理, ## 异常): | Condition | Handling | Error code |
//	## Interface notes             (## 接口说明)
//	## Performance targets         (## 性能指标, ## 性能要求): | Metric | Comparator | Target | Unit |
//	## Acceptance criteria         (## 验收标准): | ID | Criterion | Test |
//
// Tables take their columns in any order, named in either language
// (角色 动作 流程图; 名称 角色 情境 动作 结果; 条件 处理 错误码; 指标 比较 目标值 单位;
// 编号 标准 测试). In a cell, "\|" is a literal bar and "<br>" a line break;
// a cell's surrounding spaces and a section's surrounding blank lines are
// not kept. In free text a line "\## …" is the text "## …", not a heading.
// Sections may come in any order and may be left out; a heading that is not
// one of these, or text before the first heading, is an error naming the
// file and line, as are a malformed table and an unknown front-matter key.
//
// A folder may hold glossary.yaml, the project's glossary for the lint:
//
//	# glossary.yaml
//	- term: order
//	  definition: a buyer's request to buy items
//	  forbidden: [purchase, 订购]
//
// Format writes a file in this form and Parse reads it back to the same
// Content (round trip), apart from the cell escapes above.
package reqfile
