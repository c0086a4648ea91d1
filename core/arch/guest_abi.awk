# Turns the cross compiler's preprocessed core/arch/guest_abi.in into
# #defines (core/core.mk). A value must be a plain constant expression by
# now: a name left in it would be looked up among the *host's* macros when
# the core is compiled, so any is an error here.
$1 == "gp_value" {
    name = $2
    $1 = $2 = ""
    sub(/^ +/, "")
    if ($0 !~ /^[-+|&~()<> 0-9a-fA-FxXuUlL]+$/) {
        printf "guest_abi.awk: %s is not a constant here: %s\n", name, $0 > "/dev/stderr"
        failed = 1
        exit 1
    }
    printf "#define GP_ABI_%s (%s)\n", name, $0
    count++
}
END {
    if (!failed && count == 0) {
        print "guest_abi.awk: no gp_value lines in the preprocessed input" > "/dev/stderr"
        exit 1
    }
}
