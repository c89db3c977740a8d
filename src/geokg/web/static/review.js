// The review page: a file picked is read into the draft box (the form itself works without this
// script), and a rejected suggestion is greyed out as soon as it is rejected.
(function () {
  "use strict";
  var picker = document.getElementById("file-picker");
  var file = document.getElementById("draft-file");
  var box = document.getElementById("draft");
  if (picker && file && box && window.FileReader) {
    picker.hidden = false;
    file.addEventListener("change", function () {
      if (!file.files || !file.files[0]) { return; }
      var reader = new FileReader();
      reader.onload = function () { box.value = String(reader.result); };
      reader.readAsText(file.files[0], "utf-8");
    });
  }
  document.querySelectorAll("fieldset.suggestion").forEach(function (set) {
    set.addEventListener("change", function (event) {
      if (event.target.type === "radio") {
        set.classList.toggle("rejected", event.target.value === "reject" && event.target.checked);
      }
    });
  });
})();
