# closure.awk — modules.dep + module names → the files to ship, in load order.
#
# usage: awk -f closure.awk modules.dep NAME...
# Prints the path of every named module and of everything it depends on,
# each once, dependencies before the modules that need them. Exits 1 after
# naming every module that modules.dep does not know.

function modname(path,   n) {
	n = path
	sub(/.*\//, "", n)
	sub(/\.ko(\.(xz|zst|gz))?$/, "", n)
	gsub(/-/, "_", n)
	return n
}

function visit(name,   n, i, d) {
	if (name in done)
		return
	done[name] = 1
	# Each line of modules.dep already holds the whole closure, but
	# visiting depth-first keeps dependencies ahead of their users.
	n = split(deps[name], d, " ")
	for (i = n; i >= 1; i--)
		visit(modname(d[i]))
	print path[name]
}

BEGIN {
	for (i = 2; i < ARGC; i++) {
		want[i] = ARGV[i]
		gsub(/-/, "_", want[i])
		ARGV[i] = ""
	}
	nwant = ARGC
}

{
	file = $1
	sub(/:$/, "", file)
	name = modname(file)
	path[name] = file
	line = $0
	sub(/^[^:]*:[ ]*/, "", line)
	deps[name] = line
}

END {
	bad = 0
	for (i = 2; i < nwant; i++)
		if (!(want[i] in path)) {
			print "closure.awk: no module named " want[i] " in " FILENAME > "/dev/stderr"
			bad = 1
		}
	if (bad)
		exit 1
	for (i = 2; i < nwant; i++)
		visit(want[i])
}
