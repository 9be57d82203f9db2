package enginetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/accordhq/accord"
	"github.com/accordhq/accord/adapters/sqlstore"
	"github.com/accordhq/accord/requirement"
)

// SearchSize is how many requirements the search benchmark loads:
// 200,000, or ACCORD_BENCH_SEARCH_REQUIREMENTS.
func SearchSize() int {
	if v, err := strconv.Atoi(os.Getenv("ACCORD_BENCH_SEARCH_REQUIREMENTS")); err == nil && v > 100 {
		return v
	}
	return 200_000
}

// Words of the generated requirements: product English and Chinese, none
// of which holds a searched word below.
var (
	englishWords = strings.Fields(`order cart checkout stock warehouse shipment parcel courier address customer merchant seller buyer
		price discount coupon voucher tax receipt ledger account balance wallet card bank transfer settlement fee commission
		report export import dashboard chart metric alert threshold latency throughput timeout retry queue worker batch job
		schedule calendar reminder notification email message template locale language currency region zone country
		login session token password role permission audit log trace span error failure outage incident review approval
		draft status priority owner label search filter sort page list detail form field button dialog screen mobile web
		api endpoint request response header body schema version contract service gateway proxy cache database index table`)
	chineseWords = strings.Fields(`订单 购物 结算 库存 仓库 发货 包裹 快递 地址 客户 商家 卖家 买家 价格 折扣 优惠 税费 收据 账本 账户
		余额 钱包 银行 转账 手续 佣金 报表 导出 导入 看板 图表 指标 告警 阈值 延迟 吞吐 超时 重试 队列 任务 批量
		日程 日历 提醒 通知 邮件 消息 模板 语言 货币 区域 国家 登录 会话 令牌 密码 角色 权限 审计 日志 错误
		故障 事件 评审 审批 草稿 状态 优先 负责 标签 搜索 筛选 排序 分页 列表 详情 表单 字段 按钮 弹窗 页面 移动
		接口 请求 响应 版本 合同 服务 网关 代理 缓存 数据 索引 表格`)
)

// The searched texts and how often the generator puts them in a
// requirement (1 in every): a rare English and Chinese word, a common
// English word, and words that occur nowhere.
var searches = []struct {
	name, text string
	every      int
}{
	{"english", "reconcile", 200},
	{"chinese_2_chars", "退款", 200},
	{"english_common", "refund", 20},
	{"no_match", "zebra", 0},
	{"no_match_chinese", "鲸鱼", 0},
}

// searchText returns the title and description of requirement i.
func searchText(i int) (title, description string) {
	rng := rand.New(rand.NewPCG(uint64(i), 29))
	words := func(n int) []string {
		out := make([]string, n)
		for j := range out {
			if rng.IntN(2) == 0 {
				out[j] = englishWords[rng.IntN(len(englishWords))]
			} else {
				out[j] = chineseWords[rng.IntN(len(chineseWords))]
			}
		}
		return out
	}
	t, d := words(3+rng.IntN(4)), words(20+rng.IntN(20))
	for _, s := range searches {
		if s.every > 0 && rng.IntN(s.every) == 0 {
			if rng.IntN(3) == 0 {
				t[rng.IntN(len(t))] = strings.ToUpper(s.text[:1]) + s.text[1:] // a title hit, in another case
			} else {
				d[rng.IntN(len(d))] = s.text
			}
		}
	}
	return strings.Join(t, " "), strings.Join(d, " ")
}

// LoadSearch writes n requirements to the search project with multi-row
// inserts in one transaction: the columns the store writes (search,
// pairs, head), so that the engine's search index (its triggers on
// SQLite, its GIN index on PostgreSQL) is built as the store's writes
// build it. The search benchmark checks the store's answers against the
// unindexed query before it measures.
func LoadSearch(b *testing.B, s *sqlstore.Stores, project string, n int) {
	ctx := context.Background()
	tx, err := s.DB.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	const batch = 500
	const cols = "(kind, project, id, seq, rkey, status, class, owner, search, pairs, head, revision, created_at, updated_at, record)"
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", 15), ", ") + ")"
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		args := make([]any, 0, 15*(end-start))
		for i := start; i < end; i++ {
			title, desc := searchText(i)
			at := t0.Add(time.Duration(i) * time.Second)
			r := requirement.Requirement{ID: fmt.Sprintf("S%07d", i+1), Project: project, Key: requirement.KeyOf(i + 1), Status: statuses[i%len(statuses)],
				Content: requirement.Content{Title: title, Description: desc, Priority: requirement.P2, Owner: "alice"},
				Stamp:   accord.NewStamp("alice", at)}
			data, err := json.Marshal(r)
			if err != nil {
				b.Fatal(err)
			}
			search := strings.ToLower(strings.Join([]string{r.Key, r.Title, r.Background, r.Description}, "\n"))
			head := utf8.RuneCountInString(strings.ToLower(r.Key + "\n" + r.Title))
			args = append(args, "requirement", project, r.ID, i+1, r.Key, string(r.Status), string(r.Priority), r.Owner, search, doubled(search), head,
				1, at.UnixNano(), at.UnixNano(), string(data))
		}
		query := "INSERT INTO accord_records " + cols + " VALUES " + strings.TrimSuffix(strings.Repeat(row+", ", end-start), ", ")
		if _, err := tx.ExecContext(ctx, s.Dialect.Rebind(query), args...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

func doubled(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
		b.WriteRune(r)
	}
	return b.String()
}

// Search measures text search on a project of n requirements (SearchSize)
// in the same run three ways, for each of the searches above: the
// unindexed LIKE on the search column that the Text filter was before
// migration 0006 (like_scan, the peer), the store's ListRequirements with
// a Text filter (list: indexed, creation order) and SearchRequirements
// (ranked: indexed, best first). Each reports p50 and p99 in ms besides
// ns/op, and the number of hits.
func Search(b *testing.B, s *sqlstore.Stores, n int, analyze func(b *testing.B)) {
	ctx := context.Background()
	const project = "search"
	start := time.Now()
	LoadSearch(b, s, project, n)
	if analyze != nil {
		analyze(b)
	}
	b.Logf("loaded %d requirements in %s", n, time.Since(start).Round(time.Millisecond))
	store := s.Requirements
	q := accord.PageQuery{Size: 50}
	scan := func(text string) ([]string, error) {
		like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(text)) + "%"
		// The query of the Text filter before migration 0006; the column
		// is read through an expression, so that PostgreSQL cannot answer
		// it with the trigram index the migration added.
		rows, err := s.DB.QueryContext(ctx, s.Dialect.Rebind(`SELECT r.record FROM accord_records r WHERE r.kind = 'requirement' AND r.project = ? AND r.deleted_at IS NULL
			AND (r.search || '') LIKE ? ESCAPE '\' ORDER BY r.seq LIMIT ?`), project, like, q.Size+1)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var keys []string
		for rows.Next() {
			var data []byte
			var r requirement.Requirement
			if err := rows.Scan(&data); err != nil {
				return nil, err
			}
			if err := json.Unmarshal(data, &r); err != nil {
				return nil, err
			}
			keys = append(keys, r.Key)
		}
		return keys, rows.Err()
	}
	keys := func(p accord.Page[requirement.Requirement]) []string {
		var out []string
		for _, r := range p.Items {
			out = append(out, r.Key)
		}
		return out
	}
	for _, sc := range searches {
		f := requirement.Filter{Text: sc.text}
		// The store answers as the scan does before anything is timed.
		want, err := scan(sc.text)
		if err != nil {
			b.Fatal(err)
		}
		page, err := store.ListRequirements(ctx, project, f, q)
		if err != nil {
			b.Fatal(err)
		}
		if got := keys(page); !slices.Equal(got, want[:min(len(want), q.Size)]) {
			b.Fatalf("%s: the indexed list answers %v, the scan %v", sc.name, got, want)
		}
		var hits int
		if err := s.DB.QueryRowContext(ctx, s.Dialect.Rebind("SELECT COUNT(*) FROM accord_records WHERE kind = 'requirement' AND project = ? AND search LIKE ?"),
			project, "%"+sc.text+"%").Scan(&hits); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: %q is in %d of %d requirements", sc.name, sc.text, hits, n)
		measure := func(b *testing.B, run func() error) {
			b.ReportAllocs()
			var took []time.Duration
			for b.Loop() {
				t := time.Now()
				if err := run(); err != nil {
					b.Fatal(err)
				}
				took = append(took, time.Since(t))
			}
			slices.Sort(took)
			at := func(p float64) float64 {
				return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
			}
			b.ReportMetric(at(0.50), "p50-ms")
			b.ReportMetric(at(0.99), "p99-ms")
			b.ReportMetric(float64(hits), "hits")
		}
		b.Run(sc.name+"/like_scan", func(b *testing.B) {
			measure(b, func() error { _, err := scan(sc.text); return err })
		})
		b.Run(sc.name+"/list", func(b *testing.B) {
			measure(b, func() error { _, err := store.ListRequirements(ctx, project, f, q); return err })
		})
		b.Run(sc.name+"/ranked", func(b *testing.B) {
			measure(b, func() error { _, err := store.SearchRequirements(ctx, project, f, q); return err })
		})
	}
}
