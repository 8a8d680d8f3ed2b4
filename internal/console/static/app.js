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
            var items = (d.TopFailed || []).slice().reverse();
            chart.setOption({
              grid: {left: 130, right: 30, top: 10, bottom: 30},
              tooltip: {trigger: 'axis'},
              xAxis: {type: 'value'},
              yAxis: {type: 'category', data: items.map(function (x) { return x.Item; })},
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

  document.addEventListener('DOMContentLoaded', function () { seekable(); confirmations(); });
  window.addEventListener('load', drawCharts);
})();
