/* mkdocs-material's code after the content (partials/javascripts/content.html), loaded as a file because the
   site's Content-Security-Policy allows no inline script. The linked-tabs part runs when the theme feature
   content.tabs.link is on (the tag then carries data-md-tabs-link). */
(function(){
if(document.currentScript.hasAttribute("data-md-tabs-link")){var tabs=__md_get("__tabs");if(Array.isArray(tabs))e:for(var set of document.querySelectorAll(".tabbed-set")){var labels=set.querySelector(".tabbed-labels");for(var tab of tabs)for(var label of labels.getElementsByTagName("label"))if(label.innerText.trim()===tab){var input=document.getElementById(label.htmlFor);input.checked=!0;continue e}}}
var target=document.getElementById(location.hash.slice(1));target&&target.name&&(target.checked=target.name.startsWith("__tabbed_"))
})();
