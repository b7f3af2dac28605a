// <pier-chart>: one Apache ECharts instance on a div, sized by its host element. The server
// (dev.pier.console.ui.charts.PierChart) sends a whole option with setOption(json, true) when the
// chart is attached or reset, and live charts send only their new points with appendPoints(json).
// The host reflects what it shows in data-series and data-points so tests and tools can read it.
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import {
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
} from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  LineChart,
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  CanvasRenderer,
]);

class PierChart extends HTMLElement {
  constructor() {
    super();
    this._option = null;
    this._windowMillis = 0;
    this._chart = null;
    this._resizer = null;
  }

  connectedCallback() {
    if (!this._container) {
      this._container = document.createElement('div');
      this._container.style.width = '100%';
      this._container.style.height = '100%';
      this.appendChild(this._container);
    }
    this._chart = echarts.init(this._container, null, { renderer: 'canvas' });
    this._resizer = new ResizeObserver(() => this._chart && this._chart.resize());
    this._resizer.observe(this);
    if (this._option) {
      this._chart.setOption(this._withTheme(this._option), true);
    }
  }

  disconnectedCallback() {
    if (this._resizer) {
      this._resizer.disconnect();
      this._resizer = null;
    }
    if (this._chart) {
      this._chart.dispose();
      this._chart = null;
    }
  }

  /** The ECharts instance, while the element is in the page. */
  get chart() {
    return this._chart;
  }

  /** Replaces the whole option (JSON); windowMillis > 0 bounds live time series. */
  setOption(json, windowMillis) {
    this._option = JSON.parse(json);
    this._windowMillis = windowMillis || 0;
    if (this._chart) {
      this._chart.setOption(this._withTheme(this._option), true);
    }
    this._reflect();
  }

  /**
   * Adds one point per named series at one time ({"time": epochMillis, "values": {name: value}}),
   * drops points older than the window, and merges only the series data into the chart.
   */
  appendPoints(json) {
    if (!this._option) {
      return;
    }
    const { time, values } = JSON.parse(json);
    const series = this._option.series || (this._option.series = []);
    for (const [name, value] of Object.entries(values)) {
      let one = series.find((s) => s.name === name);
      if (!one) {
        one = { name, type: 'line', showSymbol: false, data: [] };
        series.push(one);
      }
      one.data.push([time, value]);
    }
    if (this._windowMillis > 0) {
      const oldest = time - this._windowMillis;
      for (const one of series) {
        while (one.data.length > 0 && one.data[0][0] < oldest) {
          one.data.shift();
        }
      }
    }
    if (this._chart) {
      this._chart.setOption({
        series: series.map((s) => ({ name: s.name, type: s.type, showSymbol: false, data: s.data })),
      });
    }
    this._reflect();
  }

  _reflect() {
    const series = (this._option && this._option.series) || [];
    this.dataset.series = series.map((s) => s.name).join('\n');
    this.dataset.points = String(series.reduce((sum, s) => sum + (s.data ? s.data.length : 0), 0));
  }

  /** Lumo's font and text colours, read from the page, under the server's option. */
  _withTheme(option) {
    const style = getComputedStyle(this);
    const text = style.getPropertyValue('--lumo-body-text-color').trim() || style.color;
    const title = option.title || {};
    return {
      textStyle: { fontFamily: style.fontFamily },
      ...option,
      title: {
        ...title,
        textStyle: { color: text, fontSize: 14, fontWeight: 600, ...(title.textStyle || {}) },
      },
    };
  }
}

customElements.define('pier-chart', PierChart);
