//! Search in both editions: the index digest builds, the search pages in
//! Chromium (real queries typed into them, over nginx), incremental
//! indexing, and `digest serve` indexing in the background.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::browser::{chromium, eval};
use crate::common::nginx::nginx;
use crate::common::{CONFIG, Site, Story};
use headless_chrome::Tab;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Emulation, Network};

/// A small digest: the issue's stories in both editions, one story of
/// another section and year, and an undated standalone page.
fn news_site() -> Site {
    let site = Site::new();
    site.write(
        "digest.yaml",
        &CONFIG.replace(
            "  opinion:",
            "  economy: { ar: اقتصاد, en: Economy }\n  opinion:",
        ),
    );
    site.story(
        Story::new("news/combat", "2021-12-10")
            .tags("[iraq, us-forces]")
            .ar("واشنطن تنهي مهام القوات الأميركية القتالية في العراق")
            .body("قالت وزارة الدفاع إن المهمة القتالية انتهت، وإن المستشارين باقون لتقديم الدعم الجوي في إطار الحوار الاستراتيجي بين البلدين.")
            .en("Washington ends the US combat mission in Iraq")
            .body("The Pentagon said the combat mission is over. The withdrawal of combat troops leaves advisers to provide air support under the strategic dialogue."),
    )
    .story(
        Story::new("news/kadhimi", "2021-07-26")
            .tags("[iraq]")
            .ar("الكاظمي يلتقي بايدن في البيت الأبيض")
            .body("التقى رئيس الوزراء مصطفى الكاظمي الرئيس جو بايدن في واشنطن، وناقشا جولة جديدة من المحادثات.")
            .en("Kadhimi meets Biden at the White House")
            .body("Prime Minister Mustafa al-Kadhimi met President Joe Biden in Washington for a new round of talks."),
    )
    .story(
        Story::new("economy/oil", "2020-10-01")
            .tags("[iraq]")
            .ar("صادرات النفط ترتفع في الربع الثالث")
            .body("ارتفعت صادرات النفط العراقية إلى ثلاثة ملايين برميل يوميا.")
            .en("Oil exports rise in the third quarter")
            .body("Iraqi oil exports rose to three million barrels a day."),
    );
    site.write(
        "content/about.en.md",
        "---\ntitle: About the newsroom\n---\nOur newsroom in Erbil checks every report twice.\n",
    );
    site.write(
        "content/about.ar.md",
        "---\ntitle: عن غرفة الأخبار\n---\nتتحقق غرفة الأخبار في أربيل من كل تقرير مرتين.\n",
    );
    site
}

/// What the search page shows after a query.
#[derive(Debug, serde::Deserialize)]
struct Shown {
    status: String,
    titles: Vec<String>,
    hrefs: Vec<String>,
    /// The highlighted words, in titles and excerpts.
    marks: Vec<String>,
    /// The text of each result's excerpt.
    excerpts: Vec<String>,
}

const READ_RESULTS: &str = r#"(() => {
  const items = [...document.querySelectorAll('.search-result')];
  return JSON.stringify({
    status: document.querySelector('.search-status').textContent,
    titles: items.map(i => i.querySelector('h2').textContent),
    hrefs: items.map(i => i.querySelector('h2 a').getAttribute('href')),
    marks: items.flatMap(i => [...i.querySelectorAll('mark')].map(m => m.textContent)),
    excerpts: items.map(i => i.querySelector('.excerpt')?.textContent ?? ''),
  });
})()"#;

/// Types `query` into the page's search box, as a reader would, and waits
/// for the results.
fn search(tab: &Tab, query: &str) -> Shown {
    eval(
        tab,
        "(() => { const q = document.querySelector('#search-query'); q.value = ''; \
         document.querySelector('.search-status').textContent = ''; \
         document.querySelector('.search-results').replaceChildren(); })()",
    );
    tab.find_element("#search-query").unwrap().click().unwrap();
    tab.type_str(query).unwrap();
    settled(tab)
}

/// The results once the page has finished searching.
fn settled(tab: &Tab) -> Shown {
    let searching = eval(
        tab,
        "document.querySelector('form.search').dataset.searching",
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let busy = eval(
            tab,
            "document.querySelector('.search-results').hasAttribute('aria-busy')",
        );
        let status = eval(tab, "document.querySelector('.search-status').textContent");
        if busy == false && status != "" && status != searching {
            let json = eval(tab, READ_RESULTS);
            return serde_json::from_str(json.as_str().unwrap()).unwrap();
        }
        assert!(Instant::now() < deadline, "no results: status {status}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Every address the tab requests, and the bytes each took on the wire.
#[derive(Default)]
struct Requests(Mutex<BTreeMap<String, (String, f64)>>);

impl Requests {
    fn watch(tab: &Tab) -> Arc<Requests> {
        let requests = Arc::new(Requests::default());
        tab.call_method(Network::Enable {
            max_total_buffer_size: None,
            max_resource_buffer_size: None,
            max_post_data_size: None,
            report_direct_socket_traffic: None,
            enable_durable_messages: None,
        })
        .unwrap();
        let seen = requests.clone();
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let mut map = seen.0.lock().unwrap();
            match event {
                Event::NetworkRequestWillBeSent(e) => {
                    map.insert(
                        e.params.request_id.clone(),
                        (e.params.request.url.clone(), 0.0),
                    );
                }
                Event::NetworkLoadingFinished(e) => {
                    if let Some(entry) = map.get_mut(&e.params.request_id) {
                        entry.1 = e.params.encoded_data_length;
                    }
                }
                _ => {}
            }
        }))
        .unwrap();
        requests
    }

    fn urls(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap()
            .values()
            .map(|(u, _)| u.clone())
            .collect()
    }
}

fn open(tab: &Tab, url: &str) {
    tab.navigate_to(url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
}

#[test]
fn arabic_queries_find_the_story_however_the_reader_types_them() {
    // Tashkeel or none, any alef with hamza, ه for ة, ى for ي, with or
    // without ال, أمريكية for أميركية: the Arabic search page finds the
    // story, highlights the words it matched in the excerpt, and an English
    // query finds nothing there and says so.
    let Some(browser) = chromium("arabic_queries_find_the_story_however_the_reader_types_them")
    else {
        return;
    };
    let f = news_site();
    f.build();
    let Some(server) = nginx(
        "arabic_queries_find_the_story_however_the_reader_types_them",
        &f.path("public"),
        "/",
    ) else {
        return;
    };
    let tab = browser.new_tab().unwrap();
    let requests = Requests::watch(&tab);
    open(&tab, &format!("{}/ar/search/", server.origin));
    let combat = "واشنطن تنهي مهام القوات الأميركية القتالية في العراق";
    for (query, title, mark) in [
        ("الاميركيه", combat, "الأميركية"),
        ("الأمريكية", combat, "الأميركية"),
        ("قوات", combat, ""),
        ("الْقُوَّاتُ", combat, ""),
        ("إستراتيجي", combat, "الاستراتيجي"),
        ("والحوار", combat, "الحوار"),
        ("الكاظمى", "الكاظمي يلتقي بايدن في البيت الأبيض", "الكاظمي"),
        ("مصطفي", "الكاظمي يلتقي بايدن في البيت الأبيض", "مصطفى"),
        (
            "الـعـراقـيـة",
            "صادرات النفط ترتفع في الربع الثالث",
            "العراقية",
        ),
    ] {
        let shown = search(&tab, query);
        assert!(
            shown.titles.iter().any(|t| t == title),
            "{query}: {shown:?}"
        );
        if !mark.is_empty() {
            assert!(shown.marks.iter().any(|m| m == mark), "{query}: {shown:?}");
        }
        assert!(
            shown.excerpts.iter().all(|e| !e.contains('~')),
            "{query}: an excerpt shows a search key: {shown:?}"
        );
    }
    // The issue's own example: the story with القوات الأميركية in its title
    // comes first.
    let shown = search(&tab, "الاميركيه");
    assert_eq!(shown.titles, [combat]);
    assert_eq!(shown.status, "نتيجة واحدة لـ«الاميركيه»");
    assert!(
        shown.hrefs.iter().all(|h| h.starts_with("/ar/")),
        "{shown:?}"
    );
    let shown = search(&tab, "kadhimi");
    assert!(shown.titles.is_empty(), "{shown:?}");
    assert_eq!(shown.status, "لا شيء في النسخة العربية يطابق «kadhimi».");
    // The page, its results and its excerpts run right to left.
    search(&tab, "القوات");
    for element in [
        "main",
        ".search-result",
        ".search-result .excerpt",
        "#search-query",
    ] {
        assert_eq!(
            eval(
                &tab,
                &format!("getComputedStyle(document.querySelector('{element}')).direction")
            ),
            "rtl",
            "{element}"
        );
    }
    // Everything came from the site itself.
    let origin = format!("{}/", server.origin);
    let urls = requests.urls();
    assert!(
        urls.iter().any(|u| u.ends_with("/pagefind/ar/pagefind.js")),
        "{urls:?}"
    );
    for url in urls {
        assert!(url.starts_with(&origin), "an outside request: {url}");
    }
}

#[test]
fn english_queries_are_stemmed_and_filters_narrow_the_results() {
    // `kadhimi` finds al-Kadhimi, `withdrawing` finds a withdrawal, an
    // Arabic query finds nothing in the English edition and says so, and
    // the topic, section and year filters narrow what a query finds.
    let Some(browser) = chromium("english_queries_are_stemmed_and_filters_narrow_the_results")
    else {
        return;
    };
    let f = news_site();
    f.build();
    let Some(server) = nginx(
        "english_queries_are_stemmed_and_filters_narrow_the_results",
        &f.path("public"),
        "/",
    ) else {
        return;
    };
    let tab = browser.new_tab().unwrap();
    open(&tab, &format!("{}/en/search/", server.origin));
    let shown = search(&tab, "kadhimi");
    assert_eq!(shown.titles, ["Kadhimi meets Biden at the White House"]);
    assert_eq!(shown.status, "1 result for “kadhimi”");
    assert!(shown.marks.iter().any(|m| m == "al-Kadhimi"), "{shown:?}");
    let shown = search(&tab, "withdrawing");
    assert_eq!(
        shown.titles,
        ["Washington ends the US combat mission in Iraq"]
    );
    assert_eq!(shown.marks, ["withdrawal"]);
    let shown = search(&tab, "القوات");
    assert!(shown.titles.is_empty(), "{shown:?}");
    assert_eq!(
        shown.status,
        "Nothing in the English edition matches “القوات”."
    );
    assert_eq!(
        eval(
            &tab,
            "getComputedStyle(document.querySelector('main')).direction"
        ),
        "ltr"
    );
    // Filters: two stories mention Iraq; one is in Economy, one has the
    // topic US forces, none is of 2019.
    let shown = search(&tab, "iraq");
    assert_eq!(shown.titles.len(), 2, "{shown:?}");
    let economy = "Oil exports rise in the third quarter";
    let combat = "Washington ends the US combat mission in Iraq";
    for (select, value, expect) in [
        ("section", "economy", vec![economy]),
        ("section", "", vec![combat, economy]),
        ("topic", "us-forces", vec![combat]),
        ("topic", "", vec![combat, economy]),
        ("year", "2020", vec![economy]),
        ("year", "2021", vec![combat]),
        ("section", "economy", vec![]),
    ] {
        eval(
            &tab,
            &format!(
                "(() => {{ document.querySelector('.search-status').textContent = ''; \
                 const s = document.querySelector('select[name={select}]'); s.value = '{value}'; \
                 if (s.value !== '{value}') throw new Error('no option {value}'); \
                 s.dispatchEvent(new Event('change')); }})()"
            ),
        );
        let shown = settled(&tab);
        assert_eq!(shown.titles, expect, "{select}={value}: {shown:?}");
        if expect.is_empty() {
            assert_eq!(
                shown.status,
                "Nothing in the English edition matches “iraq”."
            );
        }
    }
    // The query and filters are in the address, so a search can be shared.
    let url = eval(&tab, "location.search");
    assert_eq!(url, "?q=iraq&section=economy&year=2021");

    // A standalone page is found, without the date or section it does not
    // show; having no year, it is left out once a year is picked.
    open(&tab, &format!("{}/en/search/", server.origin));
    let shown = search(&tab, "newsroom");
    assert_eq!(shown.titles, ["About the newsroom"], "{shown:?}");
    assert_eq!(shown.hrefs, ["/en/about/"]);
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('.search-result .meta, .search-result .kicker').length"
        ),
        0
    );
    for (select, value, expect) in [
        ("year", "2021", vec![]),
        ("year", "", vec!["About the newsroom"]),
        ("section", "news", vec![]),
    ] {
        eval(
            &tab,
            &format!(
                "(() => {{ document.querySelector('.search-status').textContent = ''; \
                 const s = document.querySelector('select[name={select}]'); s.value = '{value}'; \
                 s.dispatchEvent(new Event('change')); }})()"
            ),
        );
        let shown = settled(&tab);
        assert_eq!(shown.titles, expect, "{select}={value}: {shown:?}");
    }
}

#[test]
fn search_works_under_a_base_path() {
    // A site published under /digest/ loads its index from there and links
    // its results there.
    let Some(browser) = chromium("search_works_under_a_base_path") else {
        return;
    };
    let f = news_site();
    f.build_at("https://example.org/digest/");
    let Some(server) = nginx(
        "search_works_under_a_base_path",
        &f.path("public"),
        "/digest/",
    ) else {
        return;
    };
    let tab = browser.new_tab().unwrap();
    let requests = Requests::watch(&tab);
    open(&tab, &format!("{}/digest/ar/search/", server.origin));
    let shown = search(&tab, "الكاظمي");
    assert_eq!(shown.hrefs, ["/digest/ar/news/kadhimi/"], "{shown:?}");
    open(&tab, &format!("{}{}", server.origin, shown.hrefs[0]));
    assert_eq!(
        eval(&tab, "document.querySelector('h1').textContent"),
        "الكاظمي يلتقي بايدن في البيت الأبيض"
    );
    let urls = requests.urls();
    assert!(
        urls.iter()
            .any(|u| u.contains("/digest/pagefind/ar/pagefind.js")),
        "{urls:?}"
    );
    for url in urls {
        assert!(
            url.starts_with(&format!("{}/", server.origin)),
            "an outside request: {url}"
        );
    }
}

#[test]
fn without_javascript_the_search_page_says_it_needs_it() {
    // With scripts off, the search page says that search needs JavaScript
    // and links the topic index; its form stays hidden.
    let Some(browser) = chromium("without_javascript_the_search_page_says_it_needs_it") else {
        return;
    };
    let f = news_site();
    f.build();
    let tab = browser.new_tab().unwrap();
    tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })
        .unwrap();
    for (lang, note) in [
        ("ar", "يحتاج البحث إلى جافاسكربت، وهي معطّلة في هذا المتصفح."),
        (
            "en",
            "Search needs JavaScript, which is turned off in this browser.",
        ),
    ] {
        let url = format!(
            "file://{}",
            f.path(&format!("public/{lang}/search/index.html"))
                .display()
        );
        open(&tab, &url);
        let text = tab
            .find_element(".search-nojs")
            .unwrap()
            .get_inner_text()
            .unwrap();
        assert!(text.starts_with(note), "{lang}: {text}");
        let link = tab.find_element(".search-nojs a").unwrap();
        assert_eq!(
            link.get_attribute_value("href").unwrap(),
            Some(format!("/{lang}/tags/"))
        );
        let form = tab.find_element("form.search").unwrap();
        assert!(!form.is_visible().unwrap_or(true), "{lang}: the form shows");
    }
}

#[test]
fn the_browser_and_digest_reduce_words_to_the_same_search_keys() {
    // search.js and src/search/normalise.rs hold the same rules; a word
    // must get the same key from both, or queries would miss.
    let Some(browser) = chromium("the_browser_and_digest_reduce_words_to_the_same_search_keys")
    else {
        return;
    };
    let f = news_site();
    f.build();
    let Some(server) = nginx(
        "the_browser_and_digest_reduce_words_to_the_same_search_keys",
        &f.path("public"),
        "/",
    ) else {
        return;
    };
    let mut words: Vec<String> = [
        "الأَمِيرِكِيَّة",
        "الأمريكية",
        "والقوات",
        "للقوات",
        "بالعراق",
        "فالكاظمى",
        "ﺁﺫﺍﺭ",
        "ٱلله",
        "٢٠٢١",
        "۲۰۲۱",
        "کتاب",
        "یوم",
        "الـعـراق",
        "«الحوار»،",
        "ال",
        "وفي",
        "قوة",
        "إن",
        "الإستراتيجيات",
        "أوروبا",
        "العراقيون",
        "مؤتمر",
        "شؤون",
        "هيئة",
        "ﻻ",
        "Kadhimi",
        "—",
    ]
    .iter()
    .map(|w| w.to_string())
    .collect();
    for rel in [
        "content/news/combat.ar.md",
        "content/news/kadhimi.ar.md",
        "content/economy/oil.ar.md",
    ] {
        words.extend(f.read(rel).split_whitespace().map(str::to_string));
    }
    let tab = browser.new_tab().unwrap();
    open(&tab, &format!("{}/ar/search/", server.origin));
    let script = eval(&tab, "document.querySelector('script[type=module]').src");
    let js = format!(
        "import({script}).then(m => JSON.stringify({words}.map(w => m.searchKey(w))))",
        script = serde_json::to_string(&script).unwrap(),
        words = serde_json::to_string(&words).unwrap()
    );
    let keys: Vec<Option<String>> = serde_json::from_str(
        tab.evaluate(&js, true)
            .unwrap()
            .value
            .unwrap()
            .as_str()
            .unwrap(),
    )
    .unwrap();
    for (word, browser_key) in words.iter().zip(keys) {
        assert_eq!(
            browser_key,
            digest::search::normalise::search_key(word),
            "{word}"
        );
    }
}

/// Every file of the published bundles, by path.
fn bundles(f: &Site) -> BTreeMap<String, Vec<u8>> {
    f.files("public/pagefind").into_map()
}

#[test]
fn a_bundle_per_edition_holds_that_editions_stories() {
    // Each edition gets its own bundle, in its own language, with Pagefind's
    // scripts and WebAssembly; its records are its stories, with their
    // topics, section, year and date as filters, and its standalone page.
    // List pages (topics, sections, archives) are not records.
    let f = news_site();
    let built = f.build();
    assert_eq!(built.report.indexed, ["ar", "en"]);
    let files = bundles(&f);
    for lang in ["ar", "en"] {
        let entry: serde_json::Value =
            serde_json::from_slice(&files[&format!("{lang}/pagefind-entry.json")]).unwrap();
        let languages = entry["languages"].as_object().unwrap();
        assert_eq!(languages.keys().collect::<Vec<_>>(), [lang]);
        assert_eq!(languages[lang]["page_count"], 4);
        assert_eq!(languages[lang]["wasm"], lang, "{lang} is stemmed");
        for file in ["pagefind.js", &format!("wasm.{lang}.pagefind")] {
            assert!(
                files.contains_key(&format!("{lang}/{file}")),
                "{lang}/{file}"
            );
        }
        let fragments = files
            .keys()
            .filter(|p| p.starts_with(&format!("{lang}/fragment/")))
            .count();
        assert_eq!(fragments, 4, "{lang}");
    }
    // The search page points at its bundle and lists its filters.
    let page = built.page("ar/search/index.html");
    assert_eq!(page.attr("form.search", "data-bundle"), "/pagefind/ar/");
    assert_eq!(
        page.texts("select[name=year] option"),
        ["كل السنوات", "2021", "2020"]
    );
    assert_eq!(
        page.texts("select[name=section] option"),
        ["كل الأقسام", "اقتصاد", "أخبار"]
    );
    // Every page's header links its edition's search page.
    for path in built.html_pages() {
        let links = built.page(&path).attrs(".masthead .primary a", "href");
        assert!(
            links.iter().any(|l| l.ends_with("/search/")),
            "{path}: {links:?}"
        );
    }
}

#[test]
fn with_a_menu_the_masthead_still_links_the_search_page_once() {
    // The editor's menu, then the search page; a menu that links the
    // search page itself has it once, where the editor put it.
    let f = news_site();
    let config = f.read("digest.yaml");
    f.write(
        "digest.yaml",
        &format!(
            "{config}menu:\n  ar: [news, about]\n  en: [{{ label: Find, url: /en/search/ }}, news]\n"
        ),
    );
    let built = f.build();
    let ar = built.page("ar/");
    assert_eq!(
        ar.attrs("nav.primary a", "href"),
        ["/ar/news/", "/ar/about/", "/ar/search/"]
    );
    assert_eq!(ar.texts("nav.primary a")[2], "بحث");
    let en = built.page("en/search/");
    assert_eq!(
        en.attrs("nav.primary a", "href"),
        ["/en/search/", "/en/news/"]
    );
    assert_eq!(
        en.attrs("nav.primary a[aria-current=page]", "href"),
        ["/en/search/"]
    );
}

#[test]
fn a_body_edit_reindexes_its_edition_and_a_stylesheet_change_does_not() {
    // Indexing is skipped unless what an edition indexes changed: a theme
    // change re-renders pages but leaves the index alone; a body edit
    // re-indexes its edition only, and building it again gives the same
    // bytes.
    let f = news_site();
    f.build();
    let before = bundles(&f);
    let css = f.read("themes/default/static/style.css");
    f.write(
        "themes/default/static/style.css",
        &format!("{css}\nmark {{ color: red; }}\n"),
    );
    let report = f.build().report;
    assert!(report.indexed.is_empty(), "{:?}", report.indexed);
    assert!(!report.written.is_empty());
    assert_eq!(bundles(&f), before);
    let story = f.read("content/news/kadhimi.ar.md");
    f.write(
        "content/news/kadhimi.ar.md",
        &format!("{story}\nوبحثا ملف الطاقة.\n"),
    );
    let report = f.build().report;
    assert_eq!(report.indexed, ["ar"]);
    let after = bundles(&f);
    let en = |files: &BTreeMap<String, Vec<u8>>| -> Vec<String> {
        files
            .keys()
            .filter(|p| p.starts_with("en/"))
            .cloned()
            .collect()
    };
    assert_eq!(en(&after), en(&before), "the English bundle stays");
    assert_ne!(after, before);
    assert!(
        report
            .written
            .iter()
            .any(|p| p.starts_with("pagefind/ar/fragment/")),
        "{:?}",
        report.written
    );
    // The index of the same stories is the same bytes, built afresh.
    let cold = Site::new();
    for (rel, bytes) in f.files("content").into_map() {
        cold.write_bytes(&format!("content/{rel}"), &bytes);
    }
    cold.write("digest.yaml", &f.read("digest.yaml"));
    cold.build();
    assert_eq!(bundles(&cold), after);
}

#[test]
fn serve_publishes_a_save_at_once_and_its_search_index_after() {
    // In `digest serve` a save is rebuilt and the pages reload without
    // waiting for the search index; the index of the edited edition is
    // built afterwards, in the background, and then served.
    use digest::serve::{ServeEvent, ServeOptions, Server};
    let f = news_site();
    let (sender, events) = std::sync::mpsc::channel::<String>();
    let sender = Mutex::new(sender);
    let reporter = Arc::new(move |event: &ServeEvent| {
        let said = match event {
            ServeEvent::Rebuilt(r) => format!("rebuilt {}", r.outcome.is_ok()),
            ServeEvent::Indexed { lang, outcome, .. } => {
                format!("indexed {lang} {}", outcome.is_ok())
            }
            ServeEvent::Trouble(why) => format!("trouble {why}"),
        };
        let _ = sender.lock().unwrap().send(said);
    });
    let options = ServeOptions {
        root: f.root().to_path_buf(),
        port: 0,
        ..ServeOptions::default()
    };
    let server = Server::start(&options, reporter).expect("the server starts");
    let client = crate::common::http::Client::new(server.addr());
    let next = || {
        events
            .recv_timeout(Duration::from_secs(60))
            .expect("the server reports")
    };
    assert_eq!(next(), "rebuilt true");
    let mut indexed = vec![next(), next()];
    indexed.sort();
    assert_eq!(indexed, ["indexed ar true", "indexed en true"]);
    let entry = || client.get("/pagefind/ar/pagefind-entry.json");
    let before = entry();
    assert_eq!(before.status, 200);
    let json: serde_json::Value = serde_json::from_str(&before.body).unwrap();
    assert_eq!(json["languages"]["ar"]["page_count"], 4);
    let story = f.read("content/news/kadhimi.ar.md");
    f.write(
        "content/news/kadhimi.ar.md",
        &format!("{story}\nوبحثا ملف الطاقة.\n"),
    );
    assert_eq!(next(), "rebuilt true", "the pages come first");
    assert_eq!(next(), "indexed ar true", "then the edited edition's index");
    let after = entry();
    assert_eq!(after.status, 200);
    assert_ne!(after.body, before.body, "the new index is served");
    assert!(
        events.recv_timeout(Duration::from_millis(500)).is_err(),
        "the English index was left alone"
    );
    drop(server);
}

#[test]
fn a_site_can_go_without_search_and_back() {
    // `search: false`: no search page, no link to it, no index; the
    // bundles published before go with the next build, and turning search
    // back on builds them again.
    let f = news_site();
    let on = f.build();
    assert!(on.exists("ar/search/") && on.exists("pagefind/ar/pagefind-entry.json"));
    let indexed = bundles(&f);
    let config = f.read("digest.yaml");
    f.write("digest.yaml", &format!("{config}search: false\n"));
    let off = f.build();
    assert!(off.report.indexed.is_empty(), "{:?}", off.report.indexed);
    let left: Vec<&String> = off
        .paths()
        .filter(|p| p.starts_with("pagefind/") || p.contains("/search/"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
    for lang in ["ar", "en"] {
        let home = off.page(&format!("{lang}/"));
        assert!(home.select(".search-link").is_empty(), "{lang}");
        let links = home.attrs("a", "href");
        assert!(!links.iter().any(|h| h.contains("/search/")), "{links:?}");
    }
    f.write("digest.yaml", &config);
    let back = f.build();
    assert_eq!(back.report.indexed, ["ar", "en"]);
    assert_eq!(bundles(&f), indexed);
    assert_eq!(
        back.page("en/").attrs(".search-link a", "href"),
        ["/en/search/"]
    );
}
