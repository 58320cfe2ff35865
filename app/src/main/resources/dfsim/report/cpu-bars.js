// The per-CPU busy/spin/idle bars of report.html and of the live page, in one place.
window.dfsimCpuBars = function (cpusIn, title) {
  'use strict';
  var cpus = cpusIn.slice().sort(function (a, b) {
    return a.socket - b.socket || a.die - b.die || a.id - b.id;
  });
  function ms(k) { return cpus.map(function (c) { return c[k] / 1e6; }); }
  return {
    type: 'bar',
    data: {
      labels: cpus.map(function (c) { return 'cpu ' + c.id + ' (s' + c.socket + ' d' + c.die + ')'; }),
      datasets: [
        { label: 'busy', data: ms('busy_ns'), backgroundColor: '#2ca02c' },
        { label: 'spin', data: ms('spin_ns'), backgroundColor: '#d62728' },
        { label: 'idle', data: ms('idle_ns'), backgroundColor: '#c7c7c7' }
      ]
    },
    options: {
      animation: false, maintainAspectRatio: false,
      plugins: { title: { display: true, text: title } },
      scales: {
        x: { stacked: true, title: { display: true, text: 'CPU' } },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: 'simulated time (ms)' } }
      }
    }
  };
};
