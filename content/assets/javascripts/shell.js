/* Start-up of the slim record-page shell (build_tools/render/shell.py): marks scripting as available, as the
   theme's bundle does on the pages mkdocs renders. The shell loads no theme bundle. */
document.documentElement.classList.replace("no-js", "js");
