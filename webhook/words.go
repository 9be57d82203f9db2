package webhook

import "strings"

// words are the chat formats' own words in one language; the event's
// summary, written by its domain, is quoted as it is.
type words struct {
	chinese               bool
	open, by, project, at string
	items, comma          string // before the items in other systems, between them
}

func wordsFor(language string) words {
	if language == Chinese {
		return words{chinese: true, open: "在 accord 中查看", by: "操作人", project: "项目", at: "时间", items: "外部引用：", comma: "，"}
	}
	return words{open: "Open in accord", by: "By", project: "Project", at: "When", items: "Tracker items: ", comma: ", "}
}

// status is an item's status there, after its name: " (To Do)" / "（待处理）".
func (w words) status(s string) string {
	if w.chinese {
		return "（" + s + "）"
	}
	return " (" + s + ")"
}

// headline says what happened: "Requirement updated" / "需求已更新" for
// requirement.updated. A kind without a translation reads as English.
func (w words) headline(kind string) string {
	domain, what, _ := strings.Cut(kind, ".")
	if w.chinese {
		if d, ok := domainsZH[domain]; ok {
			if v, ok := whatZH[what]; ok {
				return d + v
			}
			return d + " " + strings.ReplaceAll(what, "_", " ")
		}
	}
	s := strings.ReplaceAll(domain+" "+what, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var domainsZH = map[string]string{
	"requirement": "需求", "change_request": "变更请求", "contract": "接口契约", "glossary": "术语",
	"plan": "计划", "project": "项目", "retro": "复盘", "review": "评审", "risk": "风险",
	"trace": "追踪链接", "watch": "关注",
}

// whatZH translates what happened (the part of a kind after the dot).
var whatZH = map[string]string{
	"created": "已创建", "updated": "已更新", "deleted": "已删除", "restored": "已恢复",
	"transitioned": "状态已变更", "settings_changed": "设置已变更",
	"proposed": "已提出", "approved": "已批准", "rejected": "已驳回", "withdrawn": "已撤回", "applied": "已应用",
	"change_applied":        "变更已应用",
	"breaking_acknowledged": "破坏性变更已确认", "test_run_recorded": "测试运行已记录",
	"version_created": "新版本已创建", "version_transitioned": "版本状态已变更", "version_updated": "版本已更新",
	"term_created": "已创建", "term_updated": "已更新", "term_deleted": "已删除", "term_restored": "已恢复",
	"item_moved": "条目已移动", "item_scheduled": "条目已排期", "item_state_changed": "条目状态已变更",
	"item_unscheduled": "条目已移出排期", "iteration_closed": "迭代已关闭", "iteration_committed": "迭代已承诺",
	"iteration_created": "迭代已创建", "iteration_updated": "迭代已更新", "milestone_created": "里程碑已创建",
	"milestone_slipped": "里程碑已延期", "milestone_updated": "里程碑已更新", "question_answered": "问题已回答",
	"question_asked": "已提问", "question_overdue": "问题已逾期", "question_resolved": "问题已解决",
	"reprioritised": "优先级已调整", "scope_swapped": "范围已调换", "trim_proposed": "已提议削减范围",
	"member_removed": "成员已移除", "member_set": "成员已设置", "permissions_set": "权限已设置",
	"action_added": "行动项已添加", "action_changed": "行动项已变更", "grouped": "已分组",
	"health_answered": "健康度已填写", "item_added": "条目已添加", "item_edited": "条目已编辑",
	"lesson_added": "经验已添加", "note_added": "备注已添加", "phase_changed": "阶段已变更",
	"promoted": "已提升", "voted": "已投票",
	"assessed": "已评估", "checked": "已检查", "comment_added": "评论已添加", "due_changed": "截止时间已变更",
	"outcome_changed": "结论已变更", "overridden": "已被否决覆盖", "participant_added": "参与人已添加",
	"participant_removed": "参与人已移除", "round_opened": "新一轮已开启", "sync_failed": "同步失败",
	"thread_opened": "讨论已开启", "thread_reopened": "讨论已重新打开", "thread_resolved": "讨论已解决",
	"verdict_given": "已给出结论", "veto_withdrawn": "否决已撤回",
	"acceptance_lapsed": "接受已失效", "accepted": "已接受", "filing_failed": "登记失败", "responded": "已应对",
	"review_due": "待复核", "reviewed": "已复核",
	"confirmed": "已确认", "declared": "已声明", "linked": "已关联", "suspect": "待核实", "unlinked": "已取消关联",
	"started": "已开始", "stopped": "已停止",
}
