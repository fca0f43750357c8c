// The dashboards' chart frames: a tab stop only where a frame scrolls, a chart of quarters
// opened at its newest.
//
// On a phone a chart keeps its drawn size and its frame scrolls sideways (dashboards.css).
// The server gives the frame of every image a tab stop, so that a keyboard can scroll it
// even without this script; where the frame does not scroll (on a desktop, mostly) that tab
// stop leads nowhere, so it is taken back, and given again when a narrower window makes the
// frame scroll. A chart of quarters (data-opens-at="end") opens scrolled to its right end:
// its newest quarter, which officials read first; its axis, legend and note are outside the
// frame, and stay in view.
"use strict";

(function () {
  function scrolls(frame) {
    return frame.scrollWidth > frame.clientWidth;
  }

  function tabStopsWhereFramesScroll() {
    // A chart of links has its own tab stops, which scroll its frame as they take the focus.
    document.querySelectorAll(".chart-frame > svg[role='img']").forEach(function (chart) {
      const frame = chart.parentElement;
      if (scrolls(frame)) {
        frame.setAttribute("tabindex", "0");
      } else {
        frame.removeAttribute("tabindex");
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    tabStopsWhereFramesScroll();
    document.querySelectorAll(".chart-frame[data-opens-at='end']").forEach(function (frame) {
      frame.scrollLeft = frame.scrollWidth - frame.clientWidth;
    });
    window.addEventListener("resize", tabStopsWhereFramesScroll);
  });
})();
