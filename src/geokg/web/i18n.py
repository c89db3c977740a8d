"""The two languages of the pages: interface strings, and which language a request wants.

Concept labels come from the graph (every concept has English and Chinese prefLabels); only the
words of the interface itself live here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi import Request

LANGUAGES = ("en", "zh")
COOKIE = "geokg_lang"

STRINGS: dict[str, dict[str, str]] = {
    "site": {"en": "GeoKG", "zh": "GeoKG"},
    "tagline": {"en": "A knowledge graph of data mining in the geosciences",
                "zh": "地球科学数据挖掘知识图谱"},
    "skip": {"en": "Skip to content", "zh": "跳到正文"},
    "nav.home": {"en": "Home", "zh": "首页"},
    "nav.browse": {"en": "Browse concepts", "zh": "浏览概念"},
    "nav.compare": {"en": "Compare papers", "zh": "比较论文"},
    "nav.editor": {"en": "SPARQL editor", "zh": "SPARQL 编辑器"},
    "nav.api": {"en": "API", "zh": "接口"},
    "language": {"en": "Language", "zh": "语言"},
    "footer.data": {"en": "data release", "zh": "数据版本"},
    "footer.unreleased": {"en": "unreleased (development)", "zh": "未发布（开发中）"},
    "ask.label": {"en": "Ask a question or search for a method, purpose, data type or process",
                  "zh": "提问，或搜索方法、目的、数据类型或自然过程"},
    "ask.button": {"en": "Search", "zh": "搜索"},
    "ask.examples": {"en": "Try", "zh": "示例"},
    "ask.understood": {"en": "Understood", "zh": "识别出的概念"},
    "ask.ignored": {"en": "Words that matched nothing", "zh": "未识别的词"},
    "ask.concepts": {"en": "Matching concepts", "zh": "匹配的概念"},
    "ask.papers": {"en": "Papers", "zh": "论文"},
    "ask.none": {"en": "No paper matches all of these.", "zh": "没有同时满足这些条件的论文。"},
    "ask.sparql": {"en": "The SPARQL query that was run", "zh": "实际执行的 SPARQL 查询"},
    "ask.open_editor": {"en": "Open in the SPARQL editor", "zh": "在 SPARQL 编辑器中打开"},
    "ask.compare_selected": {"en": "Compare selected papers", "zh": "比较所选论文"},
    "search.filtered": {"en": "Papers", "zh": "论文"},
    "concept.filter": {"en": "Filter these papers", "zh": "筛选这些论文"},
    "search.filters": {"en": "Filters", "zh": "筛选"},
    "search.remove": {"en": "Remove filter", "zh": "移除筛选"},
    "search.group.family": {"en": "Method family", "zh": "方法类别"},
    "search.group.method": {"en": "Method", "zh": "方法"},
    "search.group.purpose": {"en": "Purpose", "zh": "目的"},
    "search.group.data_type": {"en": "Data type", "zh": "数据类型"},
    "search.group.process": {"en": "Natural process", "zh": "自然过程"},
    "search.group.dataset": {"en": "Dataset", "zh": "数据集"},
    "search.group.journal": {"en": "Journal", "zh": "期刊"},
    "search.group.section": {"en": "Report section", "zh": "报告章节"},
    "search.group.year": {"en": "Year", "zh": "年份"},
    "search.words": {"en": "Searched as words in titles, summaries, questions and findings", "zh": "作为词语在标题、摘要、问题与结论中检索"},
    "search.sort": {"en": "Sort", "zh": "排序"},
    "search.sort.newest": {"en": "newest", "zh": "最新"},
    "search.sort.oldest": {"en": "oldest", "zh": "最早"},
    "search.sort.title": {"en": "title", "zh": "标题"},
    "search.sort.relevance": {"en": "best match", "zh": "相关度"},
    "search.pages": {"en": "Pages of results", "zh": "结果分页"},
    "search.page": {"en": "Page", "zh": "第"},
    "search.prev": {"en": "previous", "zh": "上一页"},
    "search.next": {"en": "next", "zh": "下一页"},
    "search.try": {"en": "Try instead", "zh": "可以尝试"},
    "search.alone": {"en": "alone: papers", "zh": "单独检索：论文数"},
    "search.any": {"en": "Papers with any of the words", "zh": "包含任一词语的论文"},
    "search.mean": {"en": "Did you mean", "zh": "您是否要找"},
    "search.strict": {"en": "Filters each hold somewhere in a paper. The named question that requires one method application to have the method, the purpose and the data type together",
                      "zh": "各筛选条件分别在论文中成立即可。要求同一方法应用同时满足方法、目的与数据类型的命名问题"},
    "search.strict.link": {"en": "finds", "zh": "找到的论文数"},
    "glance": {"en": "The field at a glance", "zh": "领域概览"},
    "fig.heatmap": {"en": "Method family × data type (papers)", "zh": "方法类别 × 数据类型（论文数）"},
    "fig.heatmap.desc": {"en": "Papers that apply a method of each family to data of each type.",
                         "zh": "将各类方法用于各类数据的论文数。"},
    "fig.years": {"en": "Papers per year by research focus", "zh": "各研究方向的逐年论文数"},
    "fig.years.desc": {"en": "A paper can serve several foci, so the bars of a year need not add up to its total.",
                       "zh": "一篇论文可属于多个研究方向，故同一年各柱之和可能大于论文总数。"},
    "fig.network": {"en": "Methods used together", "zh": "方法共现网络"},
    "fig.network.desc": {"en": "Methods applied in the same papers: the most shared pairs (at least two papers each); circle size is the number of papers, colour the method family, line width the papers a pair shares. Scroll or use the buttons to zoom, drag to pan.",
                         "zh": "同一论文中共同使用的方法：共享最多的组合（每组至少两篇论文）；圆的大小表示论文数，颜色表示方法类别，线宽表示共享的论文数。滚动或用按钮缩放，拖动平移。"},
    "fig.data": {"en": "The data of this chart (JSON)", "zh": "本图的数据（JSON）"},
    "fig.neighbourhood": {"en": "Neighbourhood of this paper", "zh": "本论文的关联图"},
    "fig.neighbourhood.desc": {"en": "Its methods, datasets and processes, and papers that share at least two of them.",
                               "zh": "其方法、数据集与自然过程，以及至少共享其中两项的论文。"},
    "count.papers": {"en": "papers", "zh": "篇论文"},
    "count.methods": {"en": "methods", "zh": "种方法"},
    "count.datasets": {"en": "datasets", "zh": "个数据集"},
    "count.applications": {"en": "method applications", "zh": "次方法应用"},
    "scheme.method": {"en": "Methods", "zh": "方法"},
    "scheme.purpose": {"en": "Purposes", "zh": "应用目的"},
    "scheme.data-type": {"en": "Data types", "zh": "数据类型"},
    "scheme.process": {"en": "Natural processes", "zh": "自然过程"},
    "scheme.technique": {"en": "Techniques", "zh": "测量与实验技术"},
    "scheme.platform": {"en": "Platforms", "zh": "观测平台"},
    "scheme.instrument": {"en": "Instruments", "zh": "仪器"},
    "scheme.geologic-time": {"en": "Geologic time", "zh": "地质时代"},
    "scheme.body": {"en": "Bodies", "zh": "天体"},
    "browse.intro": {"en": "Each count is the number of papers using the concept or a narrower one.",
                     "zh": "每个数字为使用该概念或其下位概念的论文数。"},
    "browse.narrower": {"en": "narrower", "zh": "下位概念"},
    "concept.definition": {"en": "Definition", "zh": "定义"},
    "concept.alt": {"en": "Also called", "zh": "别名"},
    "concept.broader": {"en": "Broader", "zh": "上位概念"},
    "concept.narrower": {"en": "Narrower", "zh": "下位概念"},
    "concept.external": {"en": "In other vocabularies", "zh": "外部本体中的对应"},
    "concept.papers": {"en": "Papers using this concept or a narrower one", "zh": "使用该概念或其下位概念的论文"},
    "paper.doi": {"en": "DOI", "zh": "DOI"},
    "paper.authors": {"en": "Authors", "zh": "作者"},
    "paper.keywords": {"en": "Keywords", "zh": "关键词"},
    "paper.url": {"en": "Publisher's page", "zh": "出版方页面"},
    "paper.other_datasets": {"en": "Other datasets and their role", "zh": "其他数据集及其作用"},
    "paper.time_periods": {"en": "Geologic time", "zh": "地质时代"},
    "paper.bodies": {"en": "Body studied", "zh": "研究天体"},
    "paper.positions": {"en": "Place among the report's examples", "zh": "在报告示例中的位置"},
    "paper.journal": {"en": "Journal", "zh": "期刊"},
    "paper.issued": {"en": "Published", "zh": "发表日期"},
    "paper.summary": {"en": "Summary", "zh": "摘要"},
    "paper.question": {"en": "Research question", "zh": "研究问题"},
    "paper.methods": {"en": "Method applications", "zh": "方法应用"},
    "paper.method": {"en": "Method", "zh": "方法"},
    "paper.purposes": {"en": "Applied for", "zh": "用途"},
    "paper.inputs": {"en": "On data", "zh": "所用数据"},
    "paper.note": {"en": "How", "zh": "说明"},
    "paper.datasets": {"en": "Datasets", "zh": "数据集"},
    "paper.processes": {"en": "Natural processes studied", "zh": "研究的自然过程"},
    "paper.findings": {"en": "Findings", "zh": "主要发现"},
    "paper.classification": {"en": "Classification in the report", "zh": "报告中的分类"},
    "paper.asserted": {"en": "listed by the report under", "zh": "报告列入"},
    "paper.derived": {"en": "derived from methods and data", "zh": "由方法与数据推导"},
    "paper.provenance": {"en": "Provenance", "zh": "来源"},
    "paper.source": {"en": "Source", "zh": "来源文献"},
    "paper.row": {"en": "Appendix row", "zh": "附录行"},
    "paper.record": {"en": "Record file", "zh": "记录文件"},
    "paper.corrections": {"en": "Corrections to the report", "zh": "对报告的更正"},
    "paper.external": {"en": "External links", "zh": "外部链接"},
    "paper.formats": {"en": "This page as data", "zh": "本页数据"},
    "compare.title": {"en": "Compare papers", "zh": "比较论文"},
    "compare.pick": {"en": "Choose two to ten papers", "zh": "选择两到十篇论文"},
    "compare.more": {"en": "Only the newest papers are listed here; tick others in search results.",
                     "zh": "此处仅列出最新的论文；其他论文可在搜索结果中勾选。"},
    "compare.go": {"en": "Compare", "zh": "比较"},
    "compare.shared": {"en": "shared by all", "zh": "全部共有"},
    "compare.download": {"en": "Download", "zh": "下载"},
    "editor.title": {"en": "SPARQL editor", "zh": "SPARQL 编辑器"},
    "editor.query": {"en": "Query", "zh": "查询"},
    "editor.examples": {"en": "Named questions", "zh": "命名问题"},
    "editor.choose": {"en": "Question", "zh": "问题"},
    "editor.load": {"en": "Load", "zh": "载入"},
    "editor.run_question": {"en": "Run this question", "zh": "执行此问题"},
    "editor.type.method": {"en": "method, narrower ones included", "zh": "方法，含下位概念"},
    "editor.type.purpose": {"en": "purpose, narrower ones included", "zh": "目的，含下位概念"},
    "editor.type.data-type": {"en": "data type, narrower ones included", "zh": "数据类型，含下位概念"},
    "editor.type.process": {"en": "natural process, narrower ones included", "zh": "自然过程，含下位概念"},
    "editor.type.category": {"en": "report section", "zh": "报告章节"},
    "editor.type.journal": {"en": "journal", "zh": "期刊"},
    "editor.type.dataset": {"en": "dataset", "zh": "数据集"},
    "editor.type.integer": {"en": "whole number", "zh": "整数"},
    "editor.type.string": {"en": "text", "zh": "文本"},
    "editor.share": {"en": "Link to this query", "zh": "本查询的链接"},
    "editor.share_link": {"en": "shareable URL", "zh": "可分享的网址"},
    "editor.rows": {"en": "rows", "zh": "行"},
    "editor.capped": {"en": "the first ones only; the SPARQL endpoint gives them all", "zh": "仅显示前若干行；SPARQL 端点可返回全部"},
    "editor.other_form": {"en": "This page shows SELECT and ASK results; send other queries to /sparql.",
                          "zh": "本页显示 SELECT 与 ASK 查询的结果；其他查询请发送至 /sparql。"},
    "editor.js.error": {"en": "The query could not be run", "zh": "查询无法执行"},
    "editor.js.at": {"en": "line {line}, column {column}", "zh": "第 {line} 行第 {column} 列"},
    "editor.js.pivot": {"en": "Pivot", "zh": "透视表"},
    "editor.js.chart": {"en": "Chart", "zh": "图表"},
    "editor.js.rows": {"en": "Rows", "zh": "行"},
    "editor.js.columns": {"en": "Columns", "zh": "列"},
    "editor.js.value": {"en": "Value", "zh": "值"},
    "editor.js.count": {"en": "count of rows", "zh": "行数"},
    "editor.js.sum": {"en": "sum of", "zh": "求和："},
    "editor.js.none": {"en": "(none)", "zh": "（无）"},
    "editor.js.category": {"en": "Categories", "zh": "类别"},
    "editor.js.series": {"en": "Series", "zh": "系列"},
    "editor.js.total": {"en": "Total", "zh": "合计"},
    "editor.js.bad_params": {"en": "These parameters were refused", "zh": "参数无效"},
    "editor.run": {"en": "Run (Ctrl+Enter)", "zh": "执行（Ctrl+Enter）"},
    "editor.results": {"en": "Results", "zh": "结果"},
    "editor.endpoint": {"en": "The endpoint is /sparql (SPARQL 1.1 Protocol): the same queries work from any SPARQL client.",
                        "zh": "端点为 /sparql（SPARQL 1.1 协议），任何 SPARQL 客户端都可执行同样的查询。"},
    "error.title": {"en": "Not found", "zh": "未找到"},
    "entity.properties": {"en": "Statements", "zh": "陈述"},
}


def language(request: Request) -> str:
    """?lang= wins, then the cookie the language switch sets, then the browser's Accept-Language."""
    asked = request.query_params.get("lang") or request.cookies.get(COOKIE)
    if asked in LANGUAGES:
        return asked
    accept = (request.headers.get("accept-language") or "").lower()
    return "zh" if accept.startswith("zh") else "en"


def query_language(request: Request, q: str) -> str:
    """The page's language for a query: what the user chose, else the query's script (Chinese
    characters: Chinese), else the browser's."""
    asked = request.query_params.get("lang") or request.cookies.get(COOKIE)
    if asked in LANGUAGES:
        return asked
    if re.search(r"[\u4e00-\u9fff]", q):
        return "zh"
    return language(request)


def translator(lang: str) -> Callable[[str], str]:
    """The interface string of a key in one language."""

    def t(key: str) -> str:
        return STRINGS[key][lang]
    return t


def label(item: object, lang: str) -> str:
    """The label of a concept reference in the page's language (English when Chinese is missing)."""
    get = item.get if isinstance(item, dict) else lambda k, d=None: getattr(item, k, d)
    return get(f"label_{lang}") or get("label_en") or get("id") or ""
