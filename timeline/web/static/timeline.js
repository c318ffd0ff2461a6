// Small conveniences on top of pages that work without JavaScript.
// Loaded from /static (the Content-Security-Policy forbids inline scripts).
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Filters apply as soon as a box is ticked or a tag chosen; the Apply button stays for
  // keyboard users and browsers without scripts.
  document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target && (target.type === "checkbox" || target.tagName === "SELECT")) {
        form.requestSubmit ? form.requestSubmit() : form.submit();
      }
    });
  });

  // On a narrow screen the drawing scrolls sideways: the lane names stay pinned to the left
  // edge, and the drawing starts with the today line in view.
  var scroller = document.querySelector(".chart-scroll");
  var names = document.querySelector(".chart .lane-labels");
  if (scroller && names) {
    scroller.addEventListener("scroll", function () {
      names.setAttribute("transform", "translate(" + scroller.scrollLeft + ",0)");
    }, { passive: true });
  }
  var today = document.querySelector(".chart .today line");
  if (scroller && today && scroller.scrollWidth > scroller.clientWidth) {
    var box = today.getBoundingClientRect();
    var frame = scroller.getBoundingClientRect();
    scroller.scrollLeft += box.left - frame.left - scroller.clientWidth * 0.6;
  }

  // A swipeable row of range pills starts with the chosen one in view.
  document.querySelectorAll(".range .pills [aria-current]").forEach(function (link) {
    var row = link.closest(".pills");
    if (row && row.scrollWidth > row.clientWidth) {
      var box = link.getBoundingClientRect();
      var frame = row.getBoundingClientRect();
      row.scrollLeft += box.left - frame.left - row.clientWidth / 2 + box.width / 2;
    }
  });

  // Pointing at an event in the list highlights it in the drawing, and the other way round.
  function highlight(id, on) {
    document.querySelectorAll('[data-event="' + id + '"]').forEach(function (node) {
      node.classList.toggle("is-highlighted", on);
    });
  }
  document.querySelectorAll(".event[data-event], .mark[data-event]").forEach(function (node) {
    var id = node.getAttribute("data-event");
    node.addEventListener("mouseenter", function () { highlight(id, true); });
    node.addEventListener("mouseleave", function () { highlight(id, false); });
    node.addEventListener("focusin", function () { highlight(id, true); });
    node.addEventListener("focusout", function () { highlight(id, false); });
  });
});
