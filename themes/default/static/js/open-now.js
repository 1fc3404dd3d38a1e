// "Åpent nå" / "Stengt nå – åpner 08:00" on a service page, worked out in the reader's
// browser in Norwegian time (Europe/Oslo), from the hours the page carries in
// data-open-now. Without JavaScript the element stays hidden and the hours are read as text.
(function () {
  "use strict";
  var el = document.querySelector("[data-open-now]");
  if (!el) return;
  var data;
  try {
    data = JSON.parse(el.getAttribute("data-open-now"));
  } catch (e) {
    return;
  }
  // The words, in the page's language, from the theme's catalogue (data-* on the element).
  function word(name) { return el.getAttribute("data-" + name) || ""; }
  var DAYS = word("days").split(",");
  var WEEKDAY = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

  // The date, ISO weekday and minutes since midnight in Oslo, `days` days from now.
  function oslo(days) {
    var t = new Date(Date.now() + days * 86400000);
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/Oslo", year: "numeric", month: "2-digit", day: "2-digit",
      weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(t).forEach(function (p) { parts[p.type] = p.value; });
    return {
      date: parts.year + "-" + parts.month + "-" + parts.day,
      weekday: WEEKDAY[parts.weekday],
      minutes: Number(parts.hour) * 60 + Number(parts.minute),
    };
  }
  function minutes(hhmm) {
    return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  }
  // The hours of one day (none on a public holiday it is closed on).
  function hoursOn(day) {
    if ((data.holidays || []).indexOf(day.date) >= 0) return [];
    return (data.hours || []).filter(function (h) { return h.d.indexOf(day.weekday) >= 0; })
      .sort(function (a, b) { return minutes(a.o) - minutes(b.o); });
  }

  var text;
  if (data.always) {
    text = word("always");
  } else {
    var now = oslo(0);
    var today = hoursOn(now);
    var open = today.filter(function (h) { return minutes(h.o) <= now.minutes && now.minutes < minutes(h.c); })[0];
    if (open) {
      text = word("open").split("{time}").join(open.c);
    } else {
      var later = today.filter(function (h) { return minutes(h.o) > now.minutes; })[0];
      if (later) {
        text = word("opens").split("{day} ").join("").split("{time}").join(later.o);
      } else {
        for (var i = 1; i <= 14 && !text; i++) {
          var day = oslo(i);
          var first = hoursOn(day)[0];
          if (first) text = word("opens").split("{day}").join(i === 1 ? word("tomorrow") : DAYS[day.weekday - 1]).split("{time}").join(first.o);
        }
        text = text || word("closed");
      }
    }
  }
  el.textContent = text;
  el.className += open || data.always ? " is-open" : " is-closed";
  el.hidden = false;
})();
