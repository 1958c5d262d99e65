"""Opens a password-protected workbook in LibreOffice (UNO) and prints cell C4 of its first sheet.

Usage: python3 open-encrypted.py FILE PASSWORD
Proves that the encrypted workbook the robustness tests generate (test/helpers/hostile.ts) is a real
one: an office suite decrypts it with the password. Needs LibreOffice and python3-uno.
"""
import os
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def main():
    path, password = sys.argv[1], sys.argv[2]
    pipe = "ziping_%d" % os.getpid()
    profile = tempfile.mkdtemp(prefix="ziping-lo-")
    office = subprocess.Popen(
        ["soffice", "--headless", "--invisible", "--nologo", "--norestore", "--nodefault",
         "-env:UserInstallation=file://" + profile, "--accept=pipe,name=%s;urp;" % pipe],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        context = None
        for _ in range(120):
            try:
                context = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
                break
            except Exception:
                time.sleep(0.25)
        if context is None:
            print("ERROR: LibreOffice did not start", file=sys.stderr)
            return 3
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        try:
            doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True), prop("Password", password), prop("ReadOnly", True)))
            if doc is None:
                print("ERROR: could not open", file=sys.stderr)
                return 1
            sheet = doc.Sheets.getByIndex(0)
            print(sheet.getCellRangeByName("C4").String)
            doc.close(True)
            return 0
        except Exception as error:
            print("ERROR: could not open: %s" % error, file=sys.stderr)
            return 1
        finally:
            try:
                desktop.terminate()
            except Exception:
                pass
    finally:
        try:
            office.wait(timeout=20)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    sys.exit(main())
