/* leakcheck HTML report: draws the ranked list, items table, sender habits,
 * duplicate groups and item views from the embedded data (format and URL
 * hash keys: see src/report/html.rs). Text from the dump is only ever set
 * with textContent, in elements marked dir="auto". */
(function () {
  'use strict';

  var T0 = window.performance ? performance.now() : 0;
  var doc = document;
  doc.documentElement.classList.add('js');
  var statusBox = doc.getElementById('js-status');

  function fail(msg) {
    if (statusBox) {
      statusBox.textContent = msg;
      statusBox.hidden = false;
    }
  }

  var D;
  try {
    D = JSON.parse(doc.getElementById('leakcheck-data').textContent);
  } catch (e) {
    fail('The report data embedded in this page could not be read: ' + e);
    return;
  }

  var S = D.strs || [];
  var IT = D.items || [];
  var F = D.findings || [];
  var RK = D.ranking || [];
  var DU = D.dups || [];
  var SE = D.senders || [];
  var EV = D.evidence || [];
  var RULES = D.rules || {};
  var SEV = ['info', 'low', 'medium', 'high'];
  var PER = { page: 100, rpage: 20, spage: 50, dpage: 25, cpage: 100 };
  var PAGE_KEYS = ['page', 'rpage', 'spage', 'dpage', 'cpage'];

  // ------------------------------------------------------------ DOM helpers

  function $(id) { return doc.getElementById(id); }

  function add(e, kids) {
    if (kids === null || kids === undefined || kids === false) return e;
    if (Array.isArray(kids)) {
      for (var k = 0; k < kids.length; k++) add(e, kids[k]);
    } else if (typeof kids === 'string' || typeof kids === 'number') {
      e.appendChild(doc.createTextNode(String(kids)));
    } else {
      e.appendChild(kids);
    }
    return e;
  }

  /* An element with our own text or children. */
  function el(tag, cls, kids) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    return add(e, kids);
  }

  /* An element holding text from the dump: its direction is its own. */
  function dt(tag, text, cls) {
    var e = doc.createElement(tag);
    if (cls) e.className = cls;
    e.setAttribute('dir', 'auto');
    e.textContent = text === null || text === undefined ? '' : String(text);
    return e;
  }

  function bdi(text, cls) { return dt('bdi', text, cls); }

  /* Text with line-break opportunities after '/', '!', '.' and '-', for
   * long paths and types. */
  function breakable(text) {
    var f = doc.createDocumentFragment();
    var parts = String(text).split(/([\/!])/);
    for (var k = 0; k < parts.length; k++) {
      if (!parts[k]) continue;
      f.appendChild(doc.createTextNode(parts[k]));
      if (parts[k] === '/' || parts[k] === '!') f.appendChild(doc.createElement('wbr'));
    }
    return f;
  }

  function clear(e) {
    while (e.firstChild) e.removeChild(e.firstChild);
    return e;
  }

  function num(n) { return Number(n).toLocaleString('en-US'); }

  function plural(n, one, many) { return num(n) + ' ' + (n === 1 ? one : many); }

  function bytes(n) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var v = n, u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return u === 0 ? n + ' B' : v.toFixed(1) + ' ' + units[u];
  }

  function utc(unix) {
    if (unix === null || unix === undefined) return '';
    var d = new Date(unix * 1000);
    if (isNaN(d.getTime())) return String(unix);
    var s = d.toISOString();
    return s.slice(0, 10) + ' ' + s.slice(11, 16) + ' UTC';
  }

  function zone(minutes) {
    var sign = minutes < 0 ? '−' : '+';
    var m = Math.abs(minutes);
    var h = Math.floor(m / 60), r = m % 60;
    return 'UTC' + sign + (h < 10 ? '0' : '') + h + ':' + (r < 10 ? '0' : '') + r;
  }

  function str(k) { return k === undefined || k === null || k < 0 ? '' : (S[k] === undefined ? '' : S[k]); }

  // ------------------------------------------------------------ items

  var PATHS = new Array(IT.length);

  function parentOf(i) {
    var p = IT[i][1];
    if (p === undefined || p === -1) return -1;
    return p >= 0 ? p : -2 - p;
  }

  function path(i) {
    if (PATHS[i] !== undefined) return PATHS[i];
    // Walk up iteratively to the nearest known path, then down.
    var chain = [];
    var j = i, guard = 0;
    while (j >= 0 && PATHS[j] === undefined && guard++ <= IT.length) {
      chain.push(j);
      var r = IT[j];
      if (r[1] === undefined || r[1] < 0) break;
      j = r[1];
    }
    for (var k = chain.length - 1; k >= 0; k--) {
      var c = chain[k], rec = IT[c];
      if (rec[1] !== undefined && rec[1] >= 0 && PATHS[rec[1]] !== undefined) {
        PATHS[c] = PATHS[rec[1]] + '!' + rec[0];
      } else {
        PATHS[c] = String(rec[0]);
      }
    }
    return PATHS[i];
  }

  /* The last step of an item's path, as shown in its chain. */
  function stepName(i) {
    var r = IT[i];
    return r[1] !== undefined && r[1] >= 0 ? String(r[0]) : path(i);
  }

  function kindOf(i) { return str(IT[i][2]); }
  function typeOf(i) { return str(IT[i][3]); }
  function claimedOf(i) { return str(IT[i][4]); }
  function sizeOf(i) { return IT[i][5] || 0; }
  function shaOf(i) { return IT[i][6] || ''; }
  function errorOf(i) { return IT[i][7] || ''; }
  function emailOf(i) { return IT[i][8] || null; }
  function docOf(i) { return IT[i][9] || null; }
  function containerOf(i) { return IT[i][10] || null; }

  // Lazy indexes, built on first use.
  var byPath = null, children = null, findingsOf = null, mentions = null, rankOf = null, dupOf = null, hay = null;

  function pathIndex() {
    if (!byPath) {
      byPath = new Map();
      for (var i = 0; i < IT.length; i++) if (!byPath.has(path(i))) byPath.set(path(i), i);
    }
    return byPath;
  }

  function childIndex() {
    if (!children) {
      children = new Map();
      for (var i = 0; i < IT.length; i++) {
        var p = parentOf(i);
        if (p < 0) continue;
        var list = children.get(p);
        if (!list) children.set(p, list = []);
        list.push(i);
      }
    }
    return children;
  }

  function findingIndex() {
    if (!findingsOf) {
      findingsOf = new Map();
      mentions = new Map();
      for (var f = 0; f < F.length; f++) {
        var ps = F[f][2] || [];
        for (var k = 0; k < ps.length; k++) {
          if (typeof ps[k] !== 'number') continue;
          var m = k === 0 ? findingsOf : mentions;
          var list = m.get(ps[k]);
          if (!list) m.set(ps[k], list = []);
          if (list[list.length - 1] !== f) list.push(f);
        }
      }
    }
    return findingsOf;
  }

  function mentionIndex() { findingIndex(); return mentions; }

  function rankIndex() {
    if (!rankOf) {
      rankOf = new Map();
      for (var k = 0; k < RK.length; k++) if (!rankOf.has(RK[k][0])) rankOf.set(RK[k][0], k);
    }
    return rankOf;
  }

  function dupIndex() {
    if (!dupOf) {
      dupOf = new Map();
      for (var g = 0; g < DU.length; g++) {
        var m = DU[g][2] || [];
        for (var k = 0; k < m.length; k++) dupOf.set(m[k], g);
      }
    }
    return dupOf;
  }

  /* What the filter searches, per item, lowercase. */
  function hayOf(i) {
    if (!hay) hay = new Array(IT.length);
    var h = hay[i];
    if (h === undefined) {
      var parts = [path(i), kindOf(i), typeOf(i), claimedOf(i), shaOf(i)];
      var e = emailOf(i);
      if (e) parts.push(str(e[0]), e[2] || '');
      var d = docOf(i);
      if (d) parts.push(d[0] || '', str(d[1]), str(d[2]));
      var fs = findingIndex().get(i);
      if (fs) for (var k = 0; k < fs.length; k++) parts.push(str(F[fs[k]][0]));
      h = hay[i] = parts.join('\n').toLowerCase();
    }
    return h;
  }

  function tokens(q) { return q.toLowerCase().split(/\s+/).filter(Boolean); }

  function hasAll(h, toks) {
    for (var k = 0; k < toks.length; k++) if (h.indexOf(toks[k]) < 0) return false;
    return true;
  }

  /* The strongest doubt on an item and how many findings speak for it. */
  function doubtOf(i) {
    var fs = findingIndex().get(i) || [];
    var best = -1, n = 0, sup = 0;
    for (var k = 0; k < fs.length; k++) {
      var f = F[fs[k]];
      if (f[5]) { sup++; continue; }
      n++;
      if (f[1] > best) best = f[1];
    }
    return { best: best, n: n, sup: sup };
  }

  // ------------------------------------------------------------ state in the hash

  var st = {};

  function dec(s) {
    try { return decodeURIComponent(s); } catch (e) { return s; }
  }

  function parseHash() {
    var out = { q: '', show: 'all', item: null, page: 1, rpage: 1, spage: 1, dpage: 1, cpage: 1 };
    var h = location.hash.replace(/^#/, '');
    if (!h) return out;
    var parts = h.split('&');
    for (var k = 0; k < parts.length; k++) {
      if (!parts[k]) continue;
      var eq = parts[k].indexOf('=');
      var key = dec(eq < 0 ? parts[k] : parts[k].slice(0, eq));
      var val = eq < 0 ? '' : dec(parts[k].slice(eq + 1));
      if (key === 'q') out.q = val;
      else if (key === 'item') out.item = val;
      else if (key === 'show') out.show = (val === 'findings' || val === 'ranked') ? val : 'all';
      else if (PAGE_KEYS.indexOf(key) >= 0) {
        var n = parseInt(val, 10);
        out[key] = isFinite(n) && n > 0 ? n : 1;
      }
    }
    return out;
  }

  function hashOf(s) {
    var parts = [];
    if (s.q) parts.push('q=' + encodeURIComponent(s.q));
    if (s.show && s.show !== 'all') parts.push('show=' + s.show);
    ['page', 'rpage', 'spage', 'dpage'].forEach(function (k) {
      if (s[k] > 1) parts.push(k + '=' + s[k]);
    });
    if (s.item !== null && s.item !== undefined) {
      parts.push('item=' + encodeURIComponent(s.item));
      if (s.cpage > 1) parts.push('cpage=' + s.cpage);
    }
    return parts.join('&');
  }

  /* Changes the state; `push` adds a history entry (links, pages), else
   * the entry is replaced (typing in the filter). */
  function setState(patch, push) {
    var next = {};
    for (var k in st) next[k] = st[k];
    for (var p in patch) next[p] = patch[p];
    if ('q' in patch && patch.q !== st.q) {
      next.page = next.rpage = next.spage = next.dpage = 1;
    }
    if ('show' in patch && patch.show !== st.show) next.page = 1;
    if ('item' in patch && patch.item !== st.item && !('cpage' in patch)) next.cpage = 1;
    var h = hashOf(next);
    if (push) {
      if (('#' + h) === location.hash || (h === '' && location.hash === '')) {
        st = next;
        render();
      } else {
        location.hash = h; // hashchange renders
        if (h === '' && history.replaceState) {
          // Drop the bare '#'.
          try { history.replaceState(null, '', location.pathname + location.search); } catch (e) { /* file: URLs may refuse */ }
          st = next;
          render();
        }
      }
    } else {
      try {
        history.replaceState(null, '', h ? '#' + h : location.pathname + location.search);
      } catch (e) {
        location.hash = h;
      }
      st = next;
      render();
    }
  }

  // ------------------------------------------------------------ shared pieces

  function itemHref(i) { return '#item=' + encodeURIComponent(path(i)); }

  /* A path as a link: the containers muted, the last step bold. */
  function pathLink(i, cls) {
    var p = path(i);
    var a = el('a', cls || 'ipath');
    a.setAttribute('href', itemHref(i));
    a.setAttribute('title', 'Open ' + p);
    var cut = Math.max(p.lastIndexOf('!'), p.lastIndexOf('/'));
    var b = el('bdi', 'path');
    b.setAttribute('dir', 'auto');
    if (cut > 0 && cut < p.length - 1) {
      add(b, [el('span', 'pre', breakable(p.slice(0, cut + 1))), el('span', 'leaf', p.slice(cut + 1))]);
    } else {
      add(b, el('span', 'leaf', breakable(p)));
    }
    a.appendChild(b);
    return a;
  }

  /* A path in a finding: a link when it is an item. */
  function pathRef(p) {
    if (typeof p === 'number' && IT[p]) return pathLink(p);
    return bdi(String(p), 'mono');
  }

  function sevChip(s) { return el('span', 'sev sev-' + SEV[s], SEV[s]); }

  function levelClass(level) {
    if (level === 'strong doubt') return 'lvl-strong';
    if (level === 'doubt') return 'lvl-doubt';
    return 'lvl-weak';
  }

  function dateOf(i) {
    var e = emailOf(i);
    if (e) return { text: e[3] === null || e[3] === undefined ? '' : utc(e[3]), title: e[4] ? 'Date as written: ' + e[4] : '' };
    var d = docOf(i);
    if (d && d[8] !== null && d[8] !== undefined) {
      var what = d[6] ? 'last saved' : 'created';
      var text = d[9] ? utc(d[8]) : utc(d[8]).replace(' UTC', ' local');
      return { text: text, title: what + ', as written: ' + (d[6] || d[5]) + (d[9] ? '' : ' (local time, zone unknown)') };
    }
    return { text: '', title: '' };
  }

  /* A short name for long MIME types; the full type goes in the title. */
  var SHORT = {
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word (docx)',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.template': 'Word template (dotx)',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel (xlsx)',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.template': 'Excel template (xltx)',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint (pptx)',
    'application/vnd.openxmlformats-officedocument.presentationml.slideshow': 'PowerPoint (ppsx)',
    'application/vnd.ms-word.document.macroenabled.12': 'Word with macros (docm)',
    'application/vnd.ms-word.template.macroenabled.12': 'Word template with macros (dotm)',
    'application/vnd.ms-excel.sheet.macroenabled.12': 'Excel with macros (xlsm)',
    'application/vnd.ms-powerpoint.presentation.macroenabled.12': 'PowerPoint with macros (pptm)',
    'application/vnd.oasis.opendocument.text': 'OpenDocument text (odt)',
    'application/vnd.oasis.opendocument.spreadsheet': 'OpenDocument sheet (ods)',
    'application/vnd.oasis.opendocument.presentation': 'OpenDocument slides (odp)',
    'application/msword': 'Word 97–2003 (doc)',
    'application/vnd.ms-excel': 'Excel 97–2003 (xls)',
    'application/vnd.ms-powerpoint': 'PowerPoint 97–2003 (ppt)',
    'application/vnd.ms-outlook': 'Outlook message (msg)',
    'application/vnd.ms-tnef': 'TNEF (winmail.dat)',
    'message/rfc822': 'email (rfc822)'
  };

  function typeLabel(t) {
    var e = el('span', 'tlabel', SHORT[t] || breakable(t));
    e.setAttribute('dir', 'auto');
    e.setAttribute('title', t);
    return e;
  }

  /* The From name (else address) of an email, the author and last editor
   * of a document; `full`: the whole From value. */
  function whoOf(i, full) {
    var e = emailOf(i);
    if (e) {
      var from = str(e[0]);
      if (full) return from;
      var lt = from.lastIndexOf('<');
      var name = lt > 0 ? from.slice(0, lt).trim().replace(/^"|"$/g, '').trim() : '';
      return name || from.replace(/^<|>$/g, '');
    }
    var d = docOf(i);
    if (d) {
      var a = str(d[1]), l = str(d[2]);
      if (a && l && a !== l) return a + ' / ' + l;
      return a || l;
    }
    return '';
  }

  function subjectOf(i) {
    var e = emailOf(i);
    if (e) return e[2] || '';
    var d = docOf(i);
    return d ? d[0] || '' : '';
  }

  function pager(box, key, total) {
    clear(box);
    var per = PER[key];
    var pages = Math.max(1, Math.ceil(total / per));
    var page = Math.min(Math.max(1, st[key] || 1), pages);
    if (total <= per) {
      if (total > 0) add(box, el('span', 'info', plural(total, 'row', 'rows')));
      return page;
    }
    function btn(label, to, title) {
      var b = el('button', '', label);
      b.type = 'button';
      b.setAttribute('title', title);
      b.setAttribute('data-key', key);
      b.setAttribute('data-page', String(to));
      if (to === page || to < 1 || to > pages) b.disabled = true;
      return b;
    }
    var from = (page - 1) * per + 1, to = Math.min(total, page * per);
    add(box, [
      btn('« First', 1, 'First page'),
      btn('‹ Previous', page - 1, 'Previous page'),
      el('span', 'info', 'Rows ' + num(from) + '–' + num(to) + ' of ' + num(total) + ' · page ' + num(page) + ' of ' + num(pages)),
      btn('Next ›', page + 1, 'Next page'),
      btn('Last »', pages, 'Last page')
    ]);
    return page;
  }

  function emptyRow(tbody, cols, text) {
    var tr = el('tr', 'empty-row');
    var td = el('td', '', text);
    td.colSpan = cols;
    tr.appendChild(td);
    tbody.appendChild(tr);
  }

  // ------------------------------------------------------------ findings

  function evValue(v, depth) {
    if (v === null || v === undefined) return el('span', 'muted', '—');
    if (typeof v === 'string') {
      var i = IT.length && v.length < 4096 ? pathIndex().get(v) : undefined;
      return i === undefined ? bdi(v) : pathLink(i);
    }
    if (typeof v === 'number' || typeof v === 'boolean') return el('span', 'n', String(v));
    if (Array.isArray(v)) {
      if (v.length === 0) return el('span', 'muted', '(none)');
      var scalar = v.every(function (x) { return x === null || typeof x !== 'object'; });
      var anyPath = v.some(function (x) { return typeof x === 'string' && pathIndex().has(x); });
      if (scalar && !anyPath && v.length <= 6) {
        var span = el('span');
        v.forEach(function (x, k) {
          if (k) add(span, ', ');
          span.appendChild(evValue(x, depth + 1));
        });
        return span;
      }
      var ul = el('ul', 'ev-list');
      v.slice(0, 200).forEach(function (x) { ul.appendChild(add(el('li'), evValue(x, depth + 1))); });
      if (v.length > 200) ul.appendChild(el('li', 'muted', '… and ' + num(v.length - 200) + ' more'));
      return ul;
    }
    if (typeof v === 'object') {
      if (depth > 3) return dt('code', JSON.stringify(v));
      return evTable(v, depth + 1);
    }
    return bdi(String(v));
  }

  function evTable(obj, depth) {
    var keys = Object.keys(obj);
    var first = ['observed', 'expected'].filter(function (k) { return k in obj; });
    keys = first.concat(keys.filter(function (k) { return first.indexOf(k) < 0; }));
    var t = el('table', 'evidence');
    var tb = el('tbody');
    keys.forEach(function (k) {
      var tr = el('tr', k === 'observed' ? 'obs' : (k === 'expected' ? 'exp' : ''));
      add(tr, [dt('th', k), add(el('td'), evValue(obj[k], depth))]);
      tb.appendChild(tr);
    });
    t.appendChild(tb);
    return t;
  }

  function ruleHelp(rule) {
    var r = RULES[rule];
    var d = el('details', 'rule-help');
    add(d, el('summary', '', ['About ', el('code', '', rule), ': what it checks, why it matters, known false positives']));
    if (!r) {
      add(d, el('p', 'muted', 'This rule has no catalogue entry yet (see `leakcheck explain ' + rule + '`).'));
      return d;
    }
    add(d, el('dl', '', [
      el('dt', '', 'What it checks'), el('dd', '', r[2] || '—'),
      el('dt', '', 'Why it matters'), el('dd', '', r[3] || '—'),
      el('dt', '', 'Known false positives'), el('dd', '', r[4] || '—')
    ]));
    return d;
  }

  /* One finding: severity, rule and its title, message, evidence, related
   * items and the rule's help. `about`: the item being shown, not linked. */
  function findingCard(fi, about, carried) {
    var f = F[fi];
    if (!f) return el('p', 'muted', 'Finding not in the report.');
    var rule = str(f[0]), sev = f[1], paths = f[2] || [], sup = !!f[5];
    var art = el('article', 'finding sev-' + SEV[sev] + (sup ? ' supports' : ''));
    var head = el('header', 'f-head', [
      sup ? el('span', 'sev sev-support', 'for it') : sevChip(sev),
      el('code', 'rule', rule)
    ]);
    var r = RULES[rule];
    if (r && r[1]) head.appendChild(el('span', 'rule-title', r[1]));
    art.appendChild(head);
    if (carried && paths.length) {
      art.appendChild(el('p', 'carried', ['On an item it carries: ', pathRef(paths[0])]));
    } else if (about !== undefined && paths.length && paths[0] !== about) {
      art.appendChild(el('p', 'carried', ['About ', pathRef(paths[0])]));
    }
    art.appendChild(dt('p', str(f[3]), 'msg'));
    var ev = f[4] >= 0 ? EV[f[4]] : null;
    if (ev && typeof ev === 'object' && Object.keys(ev).length) art.appendChild(evTable(ev, 0));
    var rel = paths.slice(1).filter(function (p) { return p !== about; });
    if (rel.length) {
      var p = el('p', 'related', rel.length === 1 ? 'Related item: ' : 'Related items: ');
      rel.slice(0, 50).forEach(function (x, k) {
        if (k) add(p, ', ');
        p.appendChild(pathRef(x));
      });
      if (rel.length > 50) add(p, ' … and ' + num(rel.length - 50) + ' more');
      art.appendChild(p);
    }
    art.appendChild(ruleHelp(rule));
    return art;
  }

  // ------------------------------------------------------------ ranked list

  function metaLine(i) {
    var box = el('p', 's-meta');
    var parts = [el('span', '', [kindOf(i), ' · ', typeLabel(typeOf(i))])];
    var e = emailOf(i), d = docOf(i);
    if (e) {
      if (e[0] >= 0) parts.push(el('span', '', [el('b', '', 'From '), bdi(str(e[0]))]));
      if (e[2]) parts.push(el('span', '', [el('b', '', 'Subject '), bdi(e[2])]));
      if (e[3] !== null && e[3] !== undefined) parts.push(el('span', '', [el('b', '', 'Date '), bdi(e[4] || utc(e[3]))]));
    } else if (d) {
      if (d[0]) parts.push(el('span', '', [el('b', '', 'Title '), bdi(d[0])]));
      if (d[1] >= 0) parts.push(el('span', '', [el('b', '', 'Author '), bdi(str(d[1]))]));
      if (d[2] >= 0) parts.push(el('span', '', [el('b', '', 'Last saved by '), bdi(str(d[2]))]));
      if (d[6]) parts.push(el('span', '', [el('b', '', 'Saved '), bdi(d[6])]));
    }
    return add(box, parts);
  }

  function suspectCard(k) {
    var s = RK[k], i = s[0];
    var level = str(s[3]);
    var lc = levelClass(level);
    var art = el('article', 'suspect ' + lc + '-b');
    art.setAttribute('data-rank', String(s[1]));
    add(art, el('div', 's-head', [
      el('span', 'rank', '#' + s[1]),
      el('span', 'lvl ' + lc, level),
      el('span', 'score', ['score ', el('b', '', String(s[2]))]),
      pathLink(i, 'ipath s-path')
    ]));
    art.appendChild(metaLine(i));
    art.appendChild(dt('p', str(s[4]), 'reason'));
    var ul = el('ul', 'explain');
    (s[5] || []).forEach(function (line) { ul.appendChild(dt('li', str(line))); });
    art.appendChild(ul);
    var against = s[6] || [];
    if (against.length || s[7] >= 0) {
      art.appendChild(el('p', 'f-group-title', 'Findings behind the score'));
      var list = el('div', 'f-list');
      against.forEach(function (fi) { if (fi >= 0) list.appendChild(findingCard(fi, i, false)); });
      if (s[7] >= 0) list.appendChild(findingCard(s[7], i, true));
      art.appendChild(list);
    }
    var sup = (s[8] || []).filter(function (fi) { return fi >= 0; });
    if (sup.length) {
      var det = el('details', 'rule-help');
      add(det, el('summary', '', plural(sup.length, 'finding speaks', 'findings speak') + ' for it (took off ' + s[10] + ')'));
      var l2 = el('div', 'f-list');
      sup.forEach(function (fi) { l2.appendChild(findingCard(fi, i, false)); });
      det.appendChild(l2);
      art.appendChild(det);
    }
    return art;
  }

  // ------------------------------------------------------------ filtering (memoised per query)

  var memo = {};

  function filtered(kind, q, show) {
    var key = kind + '\u0000' + q + '\u0000' + (show || '');
    if (memo.key && memo.key[kind] === key) return memo.val[kind];
    var toks = tokens(q);
    var out = [];
    var k;
    if (kind === 'items') {
      var fi = show === 'findings' ? findingIndex() : null;
      var ri = show === 'ranked' ? rankIndex() : null;
      for (k = 0; k < IT.length; k++) {
        if (fi && doubtOf(k).n === 0) continue;
        if (ri && !ri.has(k)) continue;
        if (toks.length && !hasAll(hayOf(k), toks)) continue;
        out.push(k);
      }
    } else if (kind === 'ranked') {
      for (k = 0; k < RK.length; k++) {
        if (toks.length && !hasAll(hayOf(RK[k][0]) + '\n' + str(RK[k][4]).toLowerCase(), toks)) continue;
        out.push(k);
      }
    } else if (kind === 'senders') {
      for (k = 0; k < SE.length; k++) {
        if (toks.length) {
          var h = String(SE[k][0]) + '\n' + (SE[k][2] || []).map(function (v) { return v[0] || ''; }).join('\n');
          if (!hasAll(h.toLowerCase(), toks)) continue;
        }
        out.push(k);
      }
    } else if (kind === 'dups') {
      for (k = 0; k < DU.length; k++) {
        if (toks.length) {
          var m = DU[k][2] || [], hit = hasAll(String(DU[k][0]), toks);
          for (var j = 0; !hit && j < m.length; j++) hit = hasAll(hayOf(m[j]), toks);
          if (!hit) continue;
        }
        out.push(k);
      }
    }
    if (!memo.key) { memo.key = {}; memo.val = {}; }
    memo.key[kind] = key;
    memo.val[kind] = out;
    return out;
  }

  // ------------------------------------------------------------ sections

  function renderSuspects() {
    var list = filtered('ranked', st.q);
    var box = clear($('suspect-list'));
    var page = pager($('suspect-pager'), 'rpage', list.length);
    $('suspects-count').textContent = st.q ? num(list.length) + ' of ' + num(RK.length) : num(RK.length);
    if (!RK.length) {
      box.appendChild(el('p', 'muted', 'No finding speaks against any item: nothing to rank.'));
      return;
    }
    if (!list.length) {
      box.appendChild(el('p', 'muted', 'No ranked item matches the filter.'));
      return;
    }
    var from = (page - 1) * PER.rpage;
    list.slice(from, from + PER.rpage).forEach(function (k) { box.appendChild(suspectCard(k)); });
  }

  function itemRow(i, current) {
    var tr = el('tr', 'item-row' + (i === current ? ' current' : ''));
    tr.setAttribute('data-i', String(i));
    var typeCell = el('td', 'type', typeLabel(typeOf(i)));
    var claimed = claimedOf(i);
    if (claimed && claimed !== typeOf(i)) {
      typeCell.appendChild(el('span', 'mismatch', ['claimed: ', typeLabel(claimed)]));
    }
    var dd = dateOf(i);
    var dateCell = dt('td', dd.text, 'date');
    if (dd.title) dateCell.setAttribute('title', dd.title);
    var dv = doubtOf(i);
    var fcell = el('td', 'fcell');
    if (dv.n) {
      var fb = el('span', 'fbadge', [sevChip(dv.best), ' ', el('span', 'n', String(dv.n))]);
      fb.setAttribute('title', plural(dv.n, 'finding', 'findings') + ' against it, the strongest ' + SEV[dv.best]);
      fcell.appendChild(fb);
    }
    if (dv.sup) {
      var sp = el('span', 'sup-n', '✓' + dv.sup);
      sp.setAttribute('title', plural(dv.sup, 'finding speaks', 'findings speak') + ' for it');
      fcell.appendChild(sp);
    }
    var rk = rankIndex().get(i);
    var rcell = el('td', 'n');
    if (rk !== undefined) {
      add(rcell, el('span', 'lvl ' + levelClass(str(RK[rk][3])), '#' + RK[rk][1]));
      rcell.setAttribute('title', 'score ' + RK[rk][2] + ', ' + str(RK[rk][3]));
    }
    var who = dt('td', whoOf(i), 'who');
    if (emailOf(i)) who.setAttribute('title', whoOf(i, true));
    var err = errorOf(i);
    var pcell = el('td', 'path', pathLink(i));
    if (err) pcell.appendChild(dt('div', 'error: ' + err, 'mismatch'));
    add(tr, [
      el('td', 'n muted', String(i + 1)),
      pcell,
      el('td', '', kindOf(i)),
      typeCell,
      el('td', 'n', bytes(sizeOf(i))),
      dateCell,
      who,
      dt('td', subjectOf(i), 'subj'),
      fcell,
      rcell
    ]);
    return tr;
  }

  function renderItems() {
    var list = filtered('items', st.q, st.show);
    var body = clear($('items-body'));
    var page = pager($('items-pager'), 'page', list.length);
    var filteredNow = st.q || st.show !== 'all';
    $('items-count').textContent = filteredNow ? num(list.length) + ' of ' + num(IT.length) : num(IT.length);
    if (!list.length) { emptyRow(body, 10, IT.length ? 'No item matches the filter.' : 'No items.'); return; }
    var from = (page - 1) * PER.page;
    var cur = st.item !== null ? pathIndex().get(st.item) : undefined;
    var frag = doc.createDocumentFragment();
    list.slice(from, from + PER.page).forEach(function (i) { frag.appendChild(itemRow(i, cur)); });
    body.appendChild(frag);
  }

  function values(list, total, fmt) {
    var box = el('div', 'vals');
    (list || []).forEach(function (pair) {
      if (pair[0] === null) {
        box.appendChild(el('span', 'val more', '+' + num(pair[1]) + ' more'));
        return;
      }
      var label = fmt ? fmt(pair[0]) : (pair[0] === '' ? '(none)' : pair[0]);
      var v = el('span', 'val' + (total >= 5 && pair[1] === 1 ? ' rare' : ''));
      add(v, [bdi(label), el('span', 'cnt', '×' + num(pair[1]))]);
      if (total >= 5 && pair[1] === 1) v.setAttribute('title', 'seen once among ' + num(total) + ' messages');
      box.appendChild(v);
    });
    return box;
  }

  function renderSenders() {
    var list = filtered('senders', st.q);
    var body = clear($('senders-body'));
    var page = pager($('senders-pager'), 'spage', list.length);
    $('senders-count').textContent = st.q ? num(list.length) + ' of ' + num(SE.length) : num(SE.length);
    if (!list.length) { emptyRow(body, 8, SE.length ? 'No sender matches the filter.' : 'No email in the dump.'); return; }
    var from = (page - 1) * PER.spage;
    list.slice(from, from + PER.spage).forEach(function (k) {
      var s = SE[k];
      var a = el('a', 'sender');
      a.setAttribute('href', '#q=' + encodeURIComponent(s[0]));
      a.setAttribute('data-q', s[0]);
      a.setAttribute('title', 'Filter the items by this sender');
      add(a, bdi(s[0] || '(no From address)'));
      add(body, add(el('tr'), [
        el('td', 'addr', a),
        el('td', 'n', num(s[1])),
        add(el('td'), values(s[2], s[1])),
        add(el('td'), values(s[3], s[1])),
        add(el('td'), values(s[4], s[1], zone)),
        add(el('td'), values(s[5], s[1])),
        el('td', 'date', utc(s[6])),
        el('td', 'date', utc(s[7]))
      ]));
    });
  }

  function renderDups() {
    var list = filtered('dups', st.q);
    var body = clear($('dups-body'));
    var page = pager($('dups-pager'), 'dpage', list.length);
    $('dups-count').textContent = st.q ? num(list.length) + ' of ' + num(DU.length) : num(DU.length);
    if (!list.length) { emptyRow(body, 5, DU.length ? 'No duplicate group matches the filter.' : 'No two items have the same content.'); return; }
    var from = (page - 1) * PER.dpage;
    list.slice(from, from + PER.dpage).forEach(function (g) {
      var d = DU[g], m = d[2] || [];
      var sha = el('td', 'sha', String(d[0]).slice(0, 16) + '…');
      sha.setAttribute('title', d[0]);
      var ul = el('ul', 'paths');
      m.slice(0, 50).forEach(function (i) { ul.appendChild(add(el('li'), pathLink(i))); });
      if (m.length > 50) ul.appendChild(el('li', 'muted', '… and ' + num(m.length - 50) + ' more (filter by the SHA-256 to list them all)'));
      add(body, add(el('tr'), [
        el('td', 'n muted', String(g + 1)), sha, el('td', 'n', bytes(d[1])), el('td', 'n', num(m.length)), add(el('td'), ul)
      ]));
    });
  }

  // ------------------------------------------------------------ item view

  function fact(dl, label, value, cls) {
    if (value === null || value === undefined || value === '') return;
    dl.appendChild(el('dt', '', label));
    var dd = typeof value === 'string' ? dt('dd', value, cls) : add(el('dd', cls), value);
    dl.appendChild(dd);
  }

  var lastItem = null;

  function renderItemView() {
    var box = $('item-view');
    clear(box);
    if (st.item === null || st.item === undefined) {
      box.hidden = true;
      lastItem = null;
      return;
    }
    box.hidden = false;
    var close = el('a', 'close', 'Close ✕');
    close.setAttribute('href', '#');
    close.setAttribute('data-close', '1');
    add(box, el('div', 'iv-head', [el('h2', '', 'Item'), close]));
    var i = pathIndex().get(st.item);
    if (i === undefined) {
      add(box, el('p', '', ['No item has the provenance path ', bdi(st.item, 'mono'), '.']));
      return;
    }
    // Provenance chain: root → … → item.
    var chain = [], j = i, guard = 0;
    while (j >= 0 && guard++ <= IT.length) { chain.unshift(j); j = parentOf(j); }
    var nav = el('nav');
    nav.setAttribute('aria-label', 'Provenance chain');
    var ol = el('ol', 'chain');
    ol.id = 'chain';
    chain.forEach(function (c) {
      var li = el('li');
      li.setAttribute('data-path', path(c));
      var label = bdi(stepName(c));
      if (c === i) {
        var strong = el('strong', '', label);
        strong.setAttribute('aria-current', 'page');
        li.appendChild(strong);
      } else {
        var a = el('a', 'ipath', label);
        a.setAttribute('href', itemHref(c));
        a.setAttribute('title', path(c));
        li.appendChild(a);
      }
      li.appendChild(el('span', 'kind', kindOf(c)));
      ol.appendChild(li);
    });
    nav.appendChild(ol);
    box.appendChild(nav);

    var dl = el('dl', 'facts');
    fact(dl, 'Provenance path', path(i), 'mono');
    fact(dl, 'Kind', kindOf(i));
    var claimed = claimedOf(i);
    fact(dl, 'Detected type', typeOf(i), 'mono');
    if (claimed) fact(dl, 'Claimed type', [bdi(claimed, 'mono'), claimed !== typeOf(i) ? el('span', 'mismatch', 'differs from the detected type') : null]);
    fact(dl, 'Size', bytes(sizeOf(i)) + (sizeOf(i) >= 1024 ? ' (' + num(sizeOf(i)) + ' bytes)' : ''));
    fact(dl, 'SHA-256', shaOf(i) || '(not read whole)', 'mono');
    var c = containerOf(i);
    if (c) fact(dl, 'Container', str(c[0]) + ': ' + num(c[1]) + ' members listed, ' + num(c[2]) + ' read');
    if (errorOf(i)) fact(dl, 'Error', errorOf(i));
    var e = emailOf(i);
    if (e) {
      fact(dl, 'From', str(e[0]));
      fact(dl, 'To', str(e[1]));
      fact(dl, 'Subject', e[2] || '');
      if (e[3] !== null && e[3] !== undefined) fact(dl, 'Date', (e[4] || '') + '  (' + utc(e[3]) + ')');
      else fact(dl, 'Date', e[4] ? e[4] + ' (unreadable)' : '');
      fact(dl, 'Message-ID', e[5] || '', 'mono');
      fact(dl, 'Mail program', str(e[6]));
      fact(dl, 'DKIM', str(e[7]) || 'not signed');
      if (e[8] >= 0 && SE[e[8]]) {
        var sa = el('a', '', ['habits of ', bdi(SE[e[8]][0]), ' (' + plural(SE[e[8]][1], 'message', 'messages') + ')']);
        sa.setAttribute('href', '#q=' + encodeURIComponent(SE[e[8]][0]));
        sa.setAttribute('data-q', SE[e[8]][0]);
        sa.setAttribute('data-senders', '1');
        fact(dl, 'Sender', sa);
      }
    }
    var d = docOf(i);
    if (d) {
      fact(dl, 'Document format', str(d[7]));
      fact(dl, 'Title', d[0] || '');
      fact(dl, 'Author', str(d[1]));
      fact(dl, 'Last saved by', str(d[2]));
      fact(dl, 'Company', str(d[3]));
      fact(dl, 'Application', str(d[4]));
      fact(dl, 'Created', d[5] || '');
      fact(dl, 'Last saved', d[6] || '');
    }
    var rk = rankIndex().get(i);
    if (rk !== undefined) {
      var s = RK[rk];
      fact(dl, 'Rank', [el('span', 'lvl ' + levelClass(str(s[3])), '#' + s[1] + ' · ' + str(s[3])), ' score ' + s[2] + ' — ', dt('span', str(s[4]))]);
    }
    box.appendChild(dl);

    var fs = findingIndex().get(i) || [];
    var sec = el('div', 'iv-section', el('h3', '', fs.length ? 'Findings on this item (' + fs.length + ')' : 'No finding on this item'));
    if (fs.length) {
      var order = fs.slice().sort(function (a, b) { return (F[a][5] - F[b][5]) || (F[b][1] - F[a][1]) || (a - b); });
      var fl = el('div', 'f-list');
      order.forEach(function (fi) { fl.appendChild(findingCard(fi, i, false)); });
      sec.appendChild(fl);
    }
    box.appendChild(sec);

    var ms = mentionIndex().get(i) || [];
    if (ms.length) {
      var ms2 = el('div', 'iv-section', el('h3', '', 'Named in findings about other items (' + ms.length + ')'));
      var ml = el('div', 'f-list');
      ms.slice(0, 50).forEach(function (fi) { ml.appendChild(findingCard(fi, i, false)); });
      if (ms.length > 50) ml.appendChild(el('p', 'muted', '… and ' + num(ms.length - 50) + ' more'));
      ms2.appendChild(ml);
      box.appendChild(ms2);
    }

    var g = dupIndex().get(i);
    if (g !== undefined) {
      var others = (DU[g][2] || []).filter(function (x) { return x !== i; });
      var ds = el('div', 'iv-section', el('h3', '', 'Same content elsewhere (' + others.length + ')'));
      var ul = el('ul', 'paths');
      others.slice(0, 50).forEach(function (x) { ul.appendChild(add(el('li'), pathLink(x))); });
      if (others.length > 50) ul.appendChild(el('li', 'muted', '… and ' + num(others.length - 50) + ' more (filter by the SHA-256)'));
      ds.appendChild(ul);
      box.appendChild(ds);
    }

    var kids = childIndex().get(i) || [];
    var cs = el('div', 'iv-section', el('h3', '', kids.length ? 'Children (' + num(kids.length) + ')' : 'No children'));
    if (kids.length) {
      var pg = el('nav', 'pager');
      var page = pager(pg, 'cpage', kids.length);
      var wrap = el('div', 'table-wrap');
      var t = el('table', 'items-table children-table');
      var head = el('tr');
      ['#', 'provenance path', 'kind', 'type', 'size', 'date', 'from / author', 'subject / title', 'findings', 'rank'].forEach(function (h, k) {
        head.appendChild(el('th', k === 0 || k === 4 || k === 9 ? 'n' : '', h));
      });
      t.appendChild(el('thead', '', head));
      var tb = el('tbody');
      var from = (page - 1) * PER.cpage;
      kids.slice(from, from + PER.cpage).forEach(function (x) { tb.appendChild(itemRow(x)); });
      t.appendChild(tb);
      wrap.appendChild(t);
      add(cs, [wrap, pg]);
    }
    box.appendChild(cs);

    if (lastItem !== st.item) {
      lastItem = st.item;
      if (box.scrollIntoView) box.scrollIntoView({ block: 'start' });
    }
  }

  // ------------------------------------------------------------ wiring

  var qInput = $('q');
  var qCount = $('qcount');
  var showSel = $('show');

  function render() {
    try {
      if (qInput && doc.activeElement !== qInput && qInput.value !== st.q) qInput.value = st.q;
      if (showSel) showSel.value = st.show;
      renderItemView();
      renderSuspects();
      renderItems();
      renderSenders();
      renderDups();
      if (qCount) {
        if (st.q) {
          qCount.textContent = plural(filtered('items', st.q, st.show).length, 'item', 'items') + ', ' +
            num(filtered('ranked', st.q).length) + ' ranked';
        } else {
          qCount.textContent = '';
        }
      }
    } catch (e) {
      fail('The page could not draw part of the report: ' + e);
    }
  }

  var timer = null;
  if (qInput) {
    qInput.addEventListener('input', function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(function () { setState({ q: qInput.value.trim() }, false); }, 180);
    });
    qInput.addEventListener('keydown', function (ev) {
      if (ev.key === 'Escape') { qInput.value = ''; setState({ q: '' }, false); }
    });
  }
  if (showSel) {
    showSel.addEventListener('change', function () { setState({ show: showSel.value }, false); });
  }

  doc.addEventListener('click', function (ev) {
    var t = ev.target;
    if (!t || !t.closest) return;
    var b = t.closest('button[data-key]');
    if (b) {
      var patch = {};
      patch[b.getAttribute('data-key')] = parseInt(b.getAttribute('data-page'), 10) || 1;
      setState(patch, true);
      var sec = b.closest('section');
      if (sec && sec.getBoundingClientRect().top < 0) sec.scrollIntoView({ block: 'start' });
      return;
    }
    var a = t.closest('a');
    if (!a || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.button) return;
    var href = a.getAttribute('href') || '';
    if (/^#[A-Za-z][\w-]*$/.test(href) && $(href.slice(1))) {
      // A section link: scroll, keep the state in the hash.
      ev.preventDefault();
      $(href.slice(1)).scrollIntoView({ block: 'start' });
    } else if (a.hasAttribute('data-close')) {
      ev.preventDefault();
      setState({ item: null }, true);
    } else if (a.hasAttribute('data-q')) {
      ev.preventDefault();
      setState({ q: a.getAttribute('data-q'), item: a.hasAttribute('data-senders') ? st.item : null }, true);
      var target = $(a.hasAttribute('data-senders') ? 'senders' : 'items');
      if (target) target.scrollIntoView({ block: 'start' });
    } else if (href.indexOf('#item=') === 0) {
      ev.preventDefault();
      setState({ item: dec(href.slice(6)) }, true);
    }
  });

  window.addEventListener('hashchange', function () {
    st = parseHash();
    render();
  });

  st = parseHash();
  if (qInput) qInput.value = st.q;
  render();
  if (window.performance) {
    // How long reading the data and the first drawing took, for tests.
    doc.documentElement.setAttribute('data-drawn-ms', String(Math.round(performance.now() - T0)));
  }
})();
