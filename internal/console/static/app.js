// qloop console: charts from the API's JSON, seeking the recording to a turn, small confirmations.
// No build step, no framework: the pages are server-rendered and this only adds behaviour.
(function () {
  'use strict';

  function drawCharts() {
    var nodes = document.querySelectorAll('.chart[data-src]');
    if (!nodes.length || !window.echarts) return;
    var src = nodes[0].getAttribute('data-src');
    fetch(src, {credentials: 'same-origin', headers: {'Accept': 'application/json'}})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        nodes.forEach(function (el) {
          var chart = echarts.init(el, null, {renderer: 'svg'});
          var kind = el.getAttribute('data-kind'), label = el.getAttribute('data-label');
          if (kind === 'failed') {
            var items = (d.TopFailed || []).slice().reverse(), names = {};
            try { names = JSON.parse(el.getAttribute('data-names') || '{}') || {}; } catch (e) { names = {}; }
            chart.setOption({
              grid: {left: 130, right: 30, top: 10, bottom: 30},
              tooltip: {trigger: 'axis'},
              xAxis: {type: 'value'},
              yAxis: {type: 'category', data: items.map(function (x) { return names[x.Item] || x.Item; })},
              series: [{type: 'bar', name: label, data: items.map(function (x) { return x.Count; }), itemStyle: {color: '#d9534f'}}]
            });
          } else if (kind === 'trend') {
            var t = d.Trend || [];
            chart.setOption({
              grid: {left: 40, right: 20, top: 20, bottom: 30},
              tooltip: {trigger: 'axis'},
              xAxis: {type: 'category', data: t.map(function (x) { return x.Day; })},
              yAxis: {type: 'value', min: function (v) { return Math.max(0, Math.floor((v.min - 5) / 10) * 10); }, max: 100},
              series: [{type: 'line', name: label, smooth: true, showSymbol: false,
                data: t.map(function (x) { return Math.round(x.AvgScore * 10) / 10; }), itemStyle: {color: '#2f6fdf'}}]
            });
          }
          el.setAttribute('data-ready', '1');
          window.addEventListener('resize', function () { chart.resize(); });
        });
      })
      .catch(function () { nodes.forEach(function (el) { el.textContent = '—'; }); });
  }

  function seekable() {
    var player = document.getElementById('player');
    document.querySelectorAll('.turn[data-start] .at').forEach(function (b) {
      b.addEventListener('click', function () {
        var li = b.closest('.turn');
        document.querySelectorAll('.turn.playing').forEach(function (x) { x.classList.remove('playing'); });
        li.classList.add('playing');
        if (player) {
          player.currentTime = parseFloat(li.getAttribute('data-start'));
          player.play().catch(function () {});
        }
      });
    });
  }

  function confirmations() {
    document.querySelectorAll('button[name=action][value=disable]').forEach(function (b) {
      b.addEventListener('click', function (e) {
        if (!window.confirm(document.documentElement.lang === 'en' ? 'Disable this account?' : '确定停用该账号?')) e.preventDefault();
      });
    });
  }

  // The review form: rows whose result differs from the automatic one are marked (they need a
  // reason), a problem row can be added, and a problem's item list follows its dimension.
  function reviewForm() {
    document.querySelectorAll('tr.item-row[data-auto]').forEach(function (tr) {
      var sel = tr.querySelector('select.item-result');
      if (!sel || sel.disabled || !tr.getAttribute('data-auto')) return;
      sel.addEventListener('change', function () {
        tr.classList.toggle('changed', sel.value !== tr.getAttribute('data-auto'));
      });
    });
    function followDimension(row) {
      var dim = row.querySelector('select.p-dim'), item = row.querySelector('select.p-item');
      if (!dim || !item) return;
      var apply = function () {
        Array.prototype.forEach.call(item.options, function (o) {
          var d = o.getAttribute('data-dim');
          o.hidden = !!d && d !== dim.value;
        });
        var cur = item.options[item.selectedIndex];
        if (cur && cur.hidden) item.value = '';
      };
      dim.addEventListener('change', apply);
      apply();
    }
    var body = document.querySelector('#problems tbody');
    if (!body) return;
    body.querySelectorAll('tr.problem').forEach(followDimension);
    var add = document.getElementById('add-problem');
    if (!add) return;
    add.addEventListener('click', function () {
      var rows = body.querySelectorAll('tr.problem');
      var next = 0;
      rows.forEach(function (r) { next = Math.max(next, parseInt(r.getAttribute('data-index'), 10) + 1); });
      var row = rows[rows.length - 1].cloneNode(true);
      row.setAttribute('data-index', next);
      row.querySelectorAll('[name]').forEach(function (el) {
        el.name = el.name.replace(/^prob\.\d+\./, 'prob.' + next + '.');
        if (el.tagName === 'TEXTAREA') el.value = '';
        if (el.type === 'checkbox') el.checked = false;
      });
      body.appendChild(row);
      followDimension(row);
    });
  }

  // The agreement trend of calibration sessions, from the JSON in data-trend.
  function drawTrend() {
    var el = document.querySelector('.chart[data-trend]');
    if (!el || !window.echarts) return;
    var points = [];
    try { points = JSON.parse(el.getAttribute('data-trend')) || []; } catch (e) { points = []; }
    if (!points.length) { el.textContent = el.getAttribute('data-empty') || '—'; el.setAttribute('data-ready', '1'); return; }
    var chart = echarts.init(el, null, {renderer: 'svg'});
    var la = el.getAttribute('data-label-alpha'), lg = el.getAttribute('data-label-agreement');
    chart.setOption({
      grid: {left: 40, right: 20, top: 30, bottom: 30},
      tooltip: {trigger: 'axis'},
      legend: {data: [la, lg], top: 0},
      xAxis: {type: 'category', data: points.map(function (p) { return p.title; })},
      yAxis: {type: 'value', min: function (v) { return Math.min(0, Math.floor(v.min * 10) / 10); }, max: 1},
      series: [
        {type: 'line', name: la, data: points.map(function (p) { return p.alpha; }), itemStyle: {color: '#2f6fdf'}},
        {type: 'line', name: lg, data: points.map(function (p) { return p.agreement; }), itemStyle: {color: '#2e9e5b'}}
      ]
    });
    el.setAttribute('data-ready', '1');
    window.addEventListener('resize', function () { chart.resize(); });
  }

  function confirmDeletes() {
    document.querySelectorAll('form.kb-delete').forEach(function (f) {
      f.addEventListener('submit', function (e) {
        if (!window.confirm(document.documentElement.lang === 'en' ? 'Delete this entry?' : '确定删除该条目?')) e.preventDefault();
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () { seekable(); confirmations(); reviewForm(); confirmDeletes(); });
  window.addEventListener('load', function () { drawCharts(); drawTrend(); });
})();
